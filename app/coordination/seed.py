"""Demo data: a weekly sales–logistics–product meeting series and resource requests in every state."""
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.auth.models import Department, User
from app.coordination.models import ActionItem, Meeting, ResourceRequest
from app.coordination.services import open_items_of, to_utc
from app.core.calendar import company_today
from app.core.registry import seeder
from app.customers.models import Customer
from app.extensions import db

SERIES_TITLE = "Weekly sales–logistics–product meeting 销售-物流-产品周会"

DEPARTMENT_PEOPLE = (("logistics", "logistics"), ("product", "product"))


def _department_people(users: dict) -> dict:
    """The logistics and product people: demo accounts named ``logistics`` / ``product`` when the
    installation has them (they then head their department), else the sales manager stands in."""
    departments = {d.code: d for d in db.session.scalars(sa.select(Department))}
    people = {}
    for username, code in DEPARTMENT_PEOPLE:
        user = users.get(username) or db.session.scalar(sa.select(User).where(User.username == username))
        if user is not None and departments[code].head_id is None:
            departments[code].head_id = user.id
        people[username] = user or users["manager"]
    return people


def _at(day, hour: int, minute: int = 0) -> datetime:
    return to_utc(datetime.combine(day, time(hour, minute)))


MEETINGS = [
    {
        "agenda": "1. Hamburg order SC: container booking\n2. CE certificates for the EU buyers\n3. Q3 price list",
        "minutes": "Logistics has space on the COSCO sailing of next week; product confirms the CE files are "
                   "with the test lab. 物流确认下周中远船期有舱位；产品部确认CE证书在检测机构。",
        "decisions": "Book 1×40'HQ Ningbo → Hamburg, FOB Ningbo. 订舱一个40尺高柜，宁波至汉堡。",
        "items": [("Confirm container booking for the Hamburg order 确认汉堡订单订舱", "logistics", "logistics", 3, 2),
                  ("Send CE certificate copies to sales 向销售提供CE证书副本", "product", "product", 5, 8),
                  ("Update the Q3 price list 更新第三季度价格表", "rep1", "sales", 4, 4)],
    },
    {
        "agenda": "1. Samples for the Polish distributor\n2. LCL freight to Lagos\n3. Packaging artwork",
        "minutes": "The Polish distributor wants 3 samples before the trade show. Lagos customer asks for an LCL "
                   "quotation. 波兰经销商展会前需要3个样品；拉各斯客户询拼箱运费。",
        "decisions": "Samples by express, freight collect. 样品快递，运费到付。",
        "items": [("Arrange samples for the Polish distributor 安排波兰经销商样品", "product", "product", 4, 6),
                  ("Quote LCL freight Ningbo → Lagos 报宁波至拉各斯拼箱运费", "logistics", "logistics", 2, 1),
                  ("Get the customer's approval of the packaging artwork 客户确认包装唛头设计", "rep2", "sales", 10,
                   None)],
    },
    {
        "agenda": "1. Open items\n2. Stock check for the Dubai order\n3. Pre-shipment inspection",
        "minutes": "Warehouse stock is enough for the Dubai order; the buyer asks for SGS inspection. "
                   "迪拜订单库存充足；买方要求SGS验货。",
        "decisions": "Book SGS inspection before loading. 装柜前预约SGS验货。",
        "items": [("Check stock of LED panels for the Dubai order 核对迪拜订单LED面板库存", "product", "product", 3, 3),
                  ("Book SGS pre-shipment inspection 预约SGS装运前检验", "logistics", "logistics", 12, None)],
    },
    {"agenda": "1. Open items from last week\n2. Shipping schedule for next month", "minutes": "", "decisions": "",
     "items": []},
]


@seeder(70)
def seed_coordination(users: dict) -> None:
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.title == SERIES_TITLE).limit(1)):
        return
    people = {**users, **_department_people(users)}
    departments = {d.code: d for d in db.session.scalars(sa.select(Department))}
    today = company_today()
    monday = today - timedelta(days=today.weekday())
    previous = None
    for n, spec in enumerate(MEETINGS):
        day = monday + timedelta(weeks=n - len(MEETINGS) + 1 if n < len(MEETINGS) - 1 else 1)  # last one: next week
        meeting = Meeting(title=SERIES_TITLE, starts_at=_at(day, 9, 30), duration_minutes=45,
                          location="Meeting room 2 / 二号会议室", organiser_id=people["manager"].id,
                          external_attendees="", agenda=spec["agenda"], minutes=spec["minutes"],
                          decisions=spec["decisions"], previous_meeting_id=previous.id if previous else None,
                          created_at=_at(day, 11))
        meeting.departments = [departments["sales"], departments["logistics"], departments["product"]]
        meeting.attendees = list({people[u].id: people[u] for u in ("manager", "rep1", "rep2", "logistics",
                                                                   "product")}.values())
        if previous is not None:
            meeting.carried_items = open_items_of(previous)
        db.session.add(meeting)
        db.session.flush()
        for title, owner, department, due_in, done_in in spec["items"]:
            item = ActionItem(meeting_id=meeting.id, owner_id=people[owner].id, department_id=departments[department].id,
                              title=title, due_on=day + timedelta(days=due_in), created_at=_at(day, 11),
                              created_by_id=people["manager"].id)
            done_on = day + timedelta(days=done_in) if done_in is not None else None
            if done_on is not None and done_on <= today:
                item.status, item.done_on, item.done_by_id = "done", done_on, people[owner].id
            db.session.add(item)
        db.session.flush()
        db.session.refresh(meeting)
        previous = meeting
    _seed_requests(people, departments, today)


def _customer(owner) -> int | None:
    return db.session.scalar(sa.select(Customer.id).where(Customer.owner_id == owner.id).order_by(Customer.id).limit(1))


def _seed_requests(people: dict, departments: dict, today) -> None:
    specs = [
        # requester, department, kind, title, needed in days, status, done in days (fulfilled/rejected), note
        ("rep1", "logistics", "shipping_booking", "Book 1×40'HQ Ningbo → Hamburg, ETD next week 订舱宁波至汉堡",
         -10, "fulfilled", -11, "SO issued by COSCO, cut-off Thursday. 中远已放舱单，周四截关。"),
        ("rep1", "logistics", "shipping_booking", "Book 2×20'GP Ningbo → Jebel Ali for the Dubai order",
         -6, "fulfilled", -4, "Booked two days late: the first vessel was full. 首班船满舱，晚两天订上。"),
        ("rep2", "product", "samples", "3 samples of 600×600 LED panel to Warsaw by express 寄3个样品到华沙",
         5, "accepted", None, ""),
        ("rep1", "finance", "credit_approval", "O/A 60 days, limit USD 80,000 for Müller Handels GmbH 赊销额度审批",
         3, "requested", None, ""),
        ("rep3", "marketing", "marketing_material", "Spanish catalogue for the Mexico City trade show 西语产品目录",
         -2, "requested", None, ""),
        ("rep2", "logistics", "transport_problem", "Cartons damaged on arrival in Durban: claim with the carrier",
         4, "rejected", -1, "Claim must go through the buyer's insurer under CIF terms. CIF条款下应由买方向保险公司索赔。"),
        ("rep3", "product", "customisation", "Customer logo on the gift box, 5,000 pcs 彩盒印客户标志5000个",
         12, "requested", None, ""),
    ]
    for requester, department, kind, title, needed_in, status, done_in, note in specs:
        needed = today + timedelta(days=needed_in)
        created = min(needed, today) - timedelta(days=7)
        head = people.get(department) or next((u for u in people.values() if u.department_id
                                               == departments[department].id), people["manager"])
        req = ResourceRequest(requester_id=people[requester].id, department_id=departments[department].id, kind=kind,
                              title=title, details=title, customer_id=_customer(people[requester]),
                              needed_by_on=needed, status=status, created_at=_at(created, 10), response_note=note)
        if status in ("accepted", "fulfilled"):
            req.accepted_at, req.accepted_by_id = _at(created + timedelta(days=1), 9), head.id
        if status == "fulfilled":
            fulfilled = today + timedelta(days=done_in)
            req.fulfilled_on, req.fulfilled_at, req.fulfilled_by_id = fulfilled, _at(fulfilled, 16), head.id
        if status == "rejected":
            req.rejected_at, req.rejected_by_id = _at(today + timedelta(days=done_in), 15), head.id
        db.session.add(req)
    db.session.flush()
