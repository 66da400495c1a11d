"""The bilingual meeting minutes (会议纪要) as a Word document."""
from app.coordination.models import Meeting
from app.coordination.services import to_local
from app.core import documents
from app.core.calendar import company_today
from app.core.settings import get_setting

MINUTES_DOCUMENT = "meeting_minutes.docx"
MINUTES_VARIABLES = {"company_zh", "company_en", "title", "starts", "duration", "location", "organiser",
                     "departments", "attendees", "external", "previous", "agenda", "minutes", "decisions",
                     "items", "items_note", "printed_on"}
STATUS_BILINGUAL = {"open": "Open 未完成", "done": "Done 已完成", "cancelled": "Cancelled 已取消"}

documents.register_document(MINUTES_DOCUMENT, MINUTES_VARIABLES)


def _or_dash(text: str) -> str:
    return text if text and text.strip() else "—"


def _person(user) -> str:
    return user.display_name if user else "—"


def _department(department) -> str:
    if department is None:
        return "—"
    return f"{department.name_en} {department.name_zh}"


def minutes_context(meeting: Meeting) -> dict:
    """Both languages' labels are in the template; values are plain text, escaped when rendered."""
    starts = to_local(meeting.starts_at)
    items = []
    for n, item in enumerate(list(meeting.action_items) + list(meeting.carried_items), start=1):
        carried = item.meeting_id != meeting.id
        items.append({
            "no": str(n),
            "title": item.title,
            "carried": (f" (carried over from {item.meeting.title} {to_local(item.meeting.starts_at):%Y-%m-%d}"
                        f" / 上次会议延续)") if carried else "",
            "owner": _person(item.owner),
            "department": _department(item.department),
            "due": item.due_on.isoformat(),
            "status": STATUS_BILINGUAL.get(item.status, item.status),
            "done": item.done_on.isoformat() if item.done_on else "—",
        })
    previous = meeting.previous_meeting
    return {
        "company_zh": get_setting("company_name_zh"),
        "company_en": get_setting("company_name_en"),
        "title": meeting.title,
        "starts": f"{starts:%Y-%m-%d %H:%M}",
        "duration": f"{meeting.duration_minutes} min / {meeting.duration_minutes} 分钟",
        "location": _or_dash(meeting.location),
        "organiser": _person(meeting.organiser),
        "departments": _or_dash("; ".join(_department(d) for d in meeting.departments)),
        "attendees": _or_dash("; ".join(u.display_name for u in meeting.attendees)),
        "external": _or_dash("; ".join(meeting.external_names)),
        "previous": (f"{previous.title} {to_local(previous.starts_at):%Y-%m-%d %H:%M}" if previous else "—"),
        "agenda": _or_dash(meeting.agenda),
        "minutes": _or_dash(meeting.minutes),
        "decisions": _or_dash(meeting.decisions),
        "items": items,
        "items_note": "" if items else "No action items. 无行动事项。",
        "printed_on": company_today().isoformat(),
    }


def render_minutes(meeting: Meeting):
    return documents.render(MINUTES_DOCUMENT, minutes_context(meeting))
