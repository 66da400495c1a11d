"""Demo data for customer care, on the customers the customers area seeds (none are created here)."""
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.auth.models import Department, User
from app.care.models import CaseRecord, Complaint, Interaction, SatisfactionSurvey
from app.care.services import record_interaction, token_hash
from app.core.calendar import company_today
from app.core.models import utcnow
from app.core.numbering import next_number
from app.core.registry import seeder
from app.customers.models import Customer
from app.extensions import db

CONVERSATIONS = [
    ("email", "Sent the updated catalogue and FOB Ningbo price list; buyer asked for MOQ on the 20 ft mix.",
     "Send MOQ table and lead time"),
    ("call", "电话沟通：客户确认样品已收到，对包装和唛头有修改意见，下周给书面反馈。", "等待客户书面反馈"),
    ("messaging", "WhatsApp: buyer asked whether we can hold the price until the end of the quarter.",
     "Confirm price validity with manager"),
    ("meeting", "Video meeting with purchasing and QC: walked through the inspection report and AQL 2.5 plan.",
     "Send signed inspection protocol"),
    ("visit", "回访客户仓库：检查上批货到港后的破损情况，客户对新纸箱强度满意。", "整理回访记录"),
    ("trade_show", "Met the buyer at the Canton Fair booth; interested in the new stainless range for Q3.",
     "Quote stainless range CIF Hamburg"),
]

FOLLOW_UP_VISITS = [
    ("visit", "回访：到客户门店查看我司灯具的陈列和销售情况，店长反馈 3000K 款卖得最好。", "推荐 3000K 新款并报价"),
    ("call", "Follow-up call after delivery: goods arrived in good order, buyer happy with the new cartons.",
     "Ask for the Q3 forecast"),
    ("visit", "Follow-up visit at the buyer's warehouse: checked the last shipment, discussed a mixed-container order.",
     "Send a mixed-container offer"),
]


@seeder(40)
def seed_care(users):
    """Interactions (some follow-up visits), complaints in several states, answered and pending surveys."""
    if db.session.scalar(sa.select(sa.func.count(Interaction.id))):
        return
    rep_ids = [users[name].id for name in ("rep1", "rep2", "rep3") if name in users]
    owned = db.session.scalars(
        sa.select(Customer).where(Customer.owner_id.in_(rep_ids)).options(so.selectinload(Customer.contacts))
        .order_by(Customer.id)).all()
    if not owned:
        return
    by_rep = [[c for c in owned if c.owner_id == rep][:5] for rep in rep_ids]
    customers = [group[i] for i in range(5) for group in by_rep if i < len(group)]
    now = utcnow()
    today = company_today()
    for index, customer in enumerate(customers):
        contact = customer.contacts[0] if customer.contacts else None
        steps = 3 + index % 3
        for step in range(steps):
            kind, summary, next_step = CONVERSATIONS[(index + step) % len(CONVERSATIONS)]
            occurred = now - timedelta(days=(steps - step) * 9 + index % 4, hours=2 + step)
            last = step == steps - 1
            visit = kind in ("visit", "call") and step % 2 == 0
            if last and index % 5 in (0, 1, 3):
                kind, summary, next_step = FOLLOW_UP_VISITS[index % len(FOLLOW_UP_VISITS)]
                visit = True
                occurred = now - timedelta(days=index % 3, hours=2)
            follow_up = None
            if last:
                follow_up = today + timedelta(days=(index % 4) * 3 - 3)
            record_interaction(Interaction(
                customer_id=customer.id, contact_id=contact.id if contact else None, user_id=customer.owner_id,
                kind=kind, occurred_at=occurred, summary=summary, next_step=next_step,
                next_follow_up_on=follow_up, is_follow_up_visit=visit))
    db.session.flush()
    _seed_complaints(users, customers, now)
    _seed_surveys(customers, now)


def _service_agent(users, department):
    """A customer-service account (no sales role) that works the department's complaint queue."""
    agent = db.session.scalar(sa.select(User).where(User.username == "service"))
    if agent is None and department is not None and "rep1" in users:
        agent = User(username="service", full_name="Xu Jing 徐静", email="service@example.com",
                     password_hash=users["rep1"].password_hash, session_token=secrets.token_hex(16),
                     department_id=department.id)
        agent.roles = []
        db.session.add(agent)
        db.session.flush()
        if department.head_id is None:
            department.head_id = agent.id
    return agent


def _seed_complaints(users, customers, now):
    departments = {d.code: d for d in db.session.scalars(sa.select(Department))}
    service = departments.get("customer_service")
    tech = departments.get("tech_support")
    agent = _service_agent(users, service)
    first = customers[0]
    closed = Complaint(
        number=next_number("CP", (now - timedelta(days=20)).year), customer_id=first.id, owner_id=first.owner_id,
        created_by_id=first.owner_id, category="delivery", severity="high", status="closed",
        subject="Shipment arrived 9 days late at Hamburg",
        description="The 40 ft container booked for ETD 3 weeks ago rolled over to the next vessel; the buyer "
                    "missed a promotion window.",
        department_id=service.id if service else None, assignee_id=agent.id if agent else None,
        resolution="Forwarder confirmed the roll-over; we credited USD 850 against the next order and moved the "
                   "account to a carrier with a fixed allocation.",
        opened_at=now - timedelta(days=20), responded_at=now - timedelta(days=20, hours=-3),
        resolved_at=now - timedelta(days=16), closed_at=now - timedelta(days=15))
    db.session.add(closed)
    second = customers[1 % len(customers)]
    db.session.add(Complaint(
        number=next_number("CP", now.year), customer_id=second.id, owner_id=second.owner_id,
        created_by_id=second.owner_id, category="quality", severity="medium", status="in_progress",
        subject="包装纸箱受潮，部分产品表面生锈",
        description="客户反馈第二批货中约3%的产品表面有锈点，附照片。要求分析原因并给出补偿方案。",
        department_id=tech.id if tech else None, opened_at=now - timedelta(days=4),
        responded_at=now - timedelta(days=3, hours=20)))
    third = customers[2 % len(customers)]
    db.session.add(Complaint(
        number=next_number("CP", now.year), customer_id=third.id, owner_id=third.owner_id,
        created_by_id=third.owner_id, category="documents", severity="low", status="open",
        subject="Certificate of origin shows the wrong HS code",
        description="Form A lists 7323.93 instead of 7323.99; the customs broker cannot clear the goods.",
        department_id=service.id if service else None, assignee_id=agent.id if agent else None,
        opened_at=now - timedelta(hours=6)))
    db.session.flush()
    db.session.add(CaseRecord(
        owner_id=first.owner_id, customer_id=first.id, complaint_id=closed.id,
        title="Late shipment after a vessel roll-over", occurred_on=(now - timedelta(days=20)).date(),
        problem="Container rolled over twice in peak season; the buyer learned about it from the carrier.",
        actions="Called the buyer the same day, credited USD 850, switched to a carrier with fixed allocation.",
        outcome="Buyer kept the next order (2 × 40 ft) and answered the satisfaction survey with 4 of 5.",
        lessons="In peak season book two weeks earlier and tell the buyer about any roll-over before the "
                "carrier does."))


def _seed_surveys(customers, now):
    scores = [(5, 5, 4, 5), (4, 4, 3, 5), (3, 3, 2, 4), (5, 4, 5, 5), (2, 2, 1, 3), (4, 5, 4, 4)]
    for index, customer in enumerate(customers[:8]):
        contact = customer.contacts[0] if customer.contacts else None
        created = now - timedelta(days=3 + index * 4)
        survey = SatisfactionSurvey(
            customer_id=customer.id, contact_id=contact.id if contact else None, created_by_id=customer.owner_id,
            token_hash=token_hash(secrets.token_urlsafe(32)), created_at=created,
            expires_at=created + timedelta(days=30))
        if index < len(scores) and index % 4 != 3:
            overall, quality, delivery, communication = scores[index]
            survey.answered_at = created + timedelta(days=1, hours=3)
            survey.answer_locale = "en" if index % 2 else "zh_CN"
            survey.overall, survey.quality, survey.delivery, survey.communication = (
                overall, quality, delivery, communication)
            survey.comments = ("Good products, but please reply faster to e-mails." if index % 2
                               else "产品质量稳定，希望交期再缩短一些。")
        db.session.add(survey)
