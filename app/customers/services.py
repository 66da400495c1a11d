"""Who sees which customer, duplicates, the validity rule, stage changes and the public pool (公海)."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.core.models import utcnow
from app.core.notify import N_, notify
from app.core.settings import get_setting
from app.customers.models import (
    ACTIVE_STAGES,
    RECYCLABLE_STAGES,
    STAGES,
    TRANSITIONS,
    Contact,
    Customer,
    DuplicateDecision,
    PoolEvent,
)
from app.customers.normalise import domain_key, email_key, name_key
from app.extensions import db

READ_ALL_ROLES = ("manager", "legal", "finance")


# --- permissions ----------------------------------------------------------------------------------

def may_use_customers(user) -> bool:
    return user.has_role("rep", "manager", "legal", "finance")


def may_write(user) -> bool:
    """Reps and managers create, edit and import; legal and finance only read."""
    return user.has_role("rep", "manager")


def can_view(user, customer: Customer) -> bool:
    """Managers, legal and finance see every customer (contracts need the buyer); reps their own and the pool."""
    if user.has_role(*READ_ALL_ROLES):
        return True
    return user.has_role("rep") and (customer.owner_id is None or customer.owner_id == user.id)


def can_edit(user, customer: Customer) -> bool:
    """The owner and managers; a pool customer is read-only until someone claims it."""
    if customer.merged_into_id is not None:
        return False
    return user.is_manager or (user.has_role("rep") and customer.owner_id == user.id)


def shows_contact_details(user, customer: Customer) -> bool:
    """E-mails and phones of pool customers stay masked for reps until they claim the customer,
    so nobody works a lead without owning it (the pool's rules would mean nothing otherwise)."""
    return user.has_role(*READ_ALL_ROLES) or customer.owner_id == user.id


def visible_filter(user):
    """The WHERE clause for the customers ``user`` may see in lists (merged records never appear)."""
    clauses = [Customer.merged_into_id.is_(None)]
    if not user.has_role(*READ_ALL_ROLES):
        # "own or pool" as one expression: an OR of two index look-ups would fetch and sort half the
        # table before the page's LIMIT; this lets the database walk the sort index instead
        clauses.append(sa.func.coalesce(Customer.owner_id, 0).in_([0, user.id]))
    return sa.and_(*clauses)


def listed_contacts(customer_ids: list[int]) -> dict[int, Contact]:
    """The contact a list shows per customer — the primary one, else the first — in one query."""
    if not customer_ids:
        return {}
    shown: dict[int, Contact] = {}
    for contact in db.session.scalars(sa.select(Contact).where(Contact.customer_id.in_(customer_ids))
                                      .order_by(Contact.customer_id, Contact.is_primary.desc(), Contact.id)):
        shown.setdefault(contact.customer_id, contact)
    return shown


def get_customer(customer_id: int, user, edit: bool = False) -> Customer:
    """404 when the user may not see the customer (reps cannot probe colleagues' ids); 403 when they
    may see it but not change it (a pool customer before claiming, legal and finance)."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or not can_view(user, customer):
        abort(404)
    if edit and not can_edit(user, customer):
        abort(403)
    return customer


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "•••" if email else ""
    return f"{local[:1]}•••@{domain}"


def mask_phone(phone: str) -> str:
    digits = [c for c in phone or "" if c.isdigit()]
    return "•••" + "".join(digits[-3:]) if phone else ""


# --- duplicates -----------------------------------------------------------------------------------

@dataclass
class Match:
    customer: Customer
    reasons: list = field(default_factory=list)


def find_duplicates(name: str = "", local_name: str = "", website: str = "", emails=(), exclude_id: int | None = None,
                    ) -> list[Match]:
    """Customers that look like the same company: same normalised name (either name), same website
    domain, or a contact with the same e-mail. Merged records are left out."""
    keys = {k for k in (name_key(name), name_key(local_name)) if k}
    domain = domain_key(website)
    mails = {email_key(e) for e in emails if e and "@" in e}
    matches: dict[int, Match] = {}

    def add(customer, reason):
        if customer.id == exclude_id or customer.merged_into_id is not None:
            return
        match = matches.setdefault(customer.id, Match(customer))
        if reason not in match.reasons:
            match.reasons.append(reason)

    live = Customer.merged_into_id.is_(None)
    if keys:
        for c in db.session.scalars(sa.select(Customer).where(
                live, sa.or_(Customer.name_key.in_(keys), Customer.local_name_key.in_(keys)))):
            add(c, _l("Same company name"))
    if domain:
        for c in db.session.scalars(sa.select(Customer).where(live, Customer.domain == domain)):
            add(c, _l("Same website (%(domain)s)", domain=domain))
    if mails:
        rows = db.session.execute(sa.select(Customer, Contact.email).join(Contact.customer)
                                  .where(live, Contact.email.in_(mails)))
        for c, mail in rows:
            add(c, _l("Same contact e-mail (%(email)s)", email=mail))
    return sorted(matches.values(), key=lambda m: m.customer.id)


def duplicates_of(customer: Customer) -> list[Match]:
    return find_duplicates(customer.name, customer.local_name, customer.website,
                           [c.email for c in customer.contacts], exclude_id=customer.id)


def decided_pairs(customer_id: int) -> set[int]:
    rows = db.session.execute(sa.select(DuplicateDecision.customer_id, DuplicateDecision.other_id).where(
        sa.or_(DuplicateDecision.customer_id == customer_id, DuplicateDecision.other_id == customer_id)))
    return {b if a == customer_id else a for a, b in rows}


def unresolved_duplicates(customer: Customer) -> list[Match]:
    """Matches nobody has yet answered with "keep both" (a merge removes the match itself)."""
    decided = decided_pairs(customer.id)
    return [m for m in duplicates_of(customer) if m.customer.id not in decided]


def keep_both(customer: Customer, others, reason: str, user_id: int | None) -> None:
    decided = decided_pairs(customer.id)
    for other in others:
        if other.id not in decided:
            db.session.add(DuplicateDecision(customer_id=customer.id, other_id=other.id, reason=reason.strip()[:500],
                                             decided_by_id=user_id))


def merge_into(source: Customer, target: Customer, user_id: int | None) -> int:
    """Move ``source``'s contacts (and recorded needs) to ``target`` and mark ``source`` as merged.

    Contacts whose e-mail ``target`` already has are not copied twice. Returns the number moved.
    Nothing else that refers to ``source`` (interactions, quotations…) is touched; its page links to
    ``target``.
    """
    have = {c.email for c in target.contacts if c.email}
    moved = 0
    for contact in list(source.contacts):
        if contact.email and contact.email in have:
            continue
        contact.customer = target
        contact.is_primary = contact.is_primary and not any(c.is_primary for c in target.contacts)
        moved += 1
    for need in list(getattr(source, "needs", [])):
        need.customer = target
    source.merged_into_id = target.id
    if source.notes and source.notes not in (target.notes or ""):
        target.notes = ((target.notes or "") + "\n" + source.notes).strip()
    return moved


# --- validity and stages --------------------------------------------------------------------------

def validity_problems(customer: Customer) -> list:
    """Why ``customer`` may not (yet) be a valid customer (有效客户); empty when it may.

    Valid means qualified: a contact with an e-mail or phone, at least one recorded need, and no
    duplicate nobody has decided about.
    """
    from app.research.models import CustomerNeed

    problems = []
    if not any(c.reachable for c in customer.contacts):
        problems.append(_l("Add a contact with an e-mail address or a phone number."))
    needs = db.session.scalar(sa.select(sa.func.count(CustomerNeed.id)).where(CustomerNeed.customer_id == customer.id))
    if not needs:
        problems.append(_l("Record at least one need (product category, quantity, requirements)."))
    unresolved = unresolved_duplicates(customer)
    if unresolved:
        problems.append(_l("Decide about the possible duplicate(s): %(names)s.",
                           names=", ".join(m.customer.name for m in unresolved)))
    return problems


def stage_problems(customer: Customer, stage: str) -> list:
    if stage not in STAGES:
        return [_l("Unknown stage.")]
    if customer.merged_into_id is not None:
        return [_l("This record was merged into another customer.")]
    if stage not in TRANSITIONS.get(customer.stage, ()):
        return [_l("A customer cannot move from %(old)s to %(new)s.", old=STAGES[customer.stage], new=STAGES[stage])]
    if stage == "valid" and customer.stage == "lead":
        return validity_problems(customer)
    return []


def change_stage(customer: Customer, stage: str, now: datetime | None = None) -> list:
    """Move ``customer`` to ``stage`` (audited by the model); returns the reasons when refused.

    ``valid_at`` is set the first time the customer becomes valid and kept through later stages.
    """
    problems = stage_problems(customer, stage)
    if problems:
        return problems
    customer.stage = stage
    if stage == "valid" and customer.valid_at is None:
        customer.valid_at = now or utcnow()
    return []


# --- public pool ----------------------------------------------------------------------------------

def held_count(user_id: int) -> int:
    """Customers a rep holds against the cap: their leads, valid customers and open negotiations."""
    return db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.owner_id == user_id, Customer.stage.in_(ACTIVE_STAGES), Customer.merged_into_id.is_(None)))


def claims_today(user_id: int, now: datetime | None = None) -> int:
    from app.core.calendar import to_company_date

    now = now or utcnow()
    today = to_company_date(now)
    since = now - timedelta(days=2)
    times = db.session.scalars(sa.select(PoolEvent.at).where(
        PoolEvent.user_id == user_id, PoolEvent.kind == "claimed", PoolEvent.at >= since))
    return sum(1 for t in times if to_company_date(t) == today)


def capacity_problem(user, adding: int = 1):
    cap = get_setting("pool_cap")
    held = held_count(user.id)
    if held + adding > cap:
        return _l("%(name)s already holds %(held)s customers; the limit is %(cap)s.",
                  name=user.display_name, held=held, cap=cap)
    return None


def claim_problems(customer: Customer, user, now: datetime | None = None) -> list:
    problems = []
    if customer.owner_id is not None or customer.merged_into_id is not None:
        return [_l("This customer is no longer in the public pool.")]
    if not user.has_role("rep", "manager"):
        return [_l("Only sales reps and managers can claim customers.")]
    limit = get_setting("pool_daily_claims")
    if claims_today(user.id, now) >= limit:
        problems.append(_l("You have claimed %(n)s customers today, the daily limit.", n=limit))
    cap = capacity_problem(user)
    if cap:
        problems.append(cap)
    return problems


def _hand_over(customer: Customer, kind: str, new_owner_id: int | None, actor_id: int | None, now: datetime):
    db.session.add(PoolEvent(customer_id=customer.id, kind=kind, from_owner_id=customer.owner_id,
                             to_owner_id=new_owner_id, user_id=actor_id, at=now))
    customer.owner_id = new_owner_id
    customer.claimed_at = now if new_owner_id else None


def claim(customer: Customer, user, now: datetime | None = None) -> list:
    """Take a pool customer; refused (with reasons) over the daily claim limit or the holding cap.

    The customer's version counter makes a simultaneous claim by a colleague fail instead of
    silently changing hands twice.
    """
    now = now or utcnow()
    problems = claim_problems(customer, user, now)
    if problems:
        return problems
    _hand_over(customer, "claimed", user.id, user.id, now)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        return [_l("Someone else claimed this customer a moment ago.")]
    return []


def release(customer: Customer, user, now: datetime | None = None) -> None:
    _hand_over(customer, "released", None, user.id, now or utcnow())


def assign(customer: Customer, owner, manager, now: datetime | None = None) -> list:
    if customer.owner_id == owner.id:
        return []
    if customer.stage in ACTIVE_STAGES:
        cap = capacity_problem(owner)
        if cap:
            return [cap]
    old_owner = customer.owner_id
    _hand_over(customer, "assigned", owner.id, manager.id, now or utcnow())
    notify(owner.id, N_("%(manager)s assigned the customer %(name)s to you."),
           link=url_for("customers.detail", customer_id=customer.id), manager=manager.display_name,
           name=customer.name)
    if old_owner and old_owner != manager.id:
        notify(old_owner, N_("%(manager)s reassigned your customer %(name)s to a colleague."),
               link="", manager=manager.display_name, name=customer.name)
    return []


def _idle_since():
    """The later of creation, claim and last interaction: the moment the pool clock starts."""
    return sa.case(
        (sa.and_(Customer.last_interaction_at.is_not(None), Customer.last_interaction_at > Customer.created_at,
                 sa.or_(Customer.claimed_at.is_(None), Customer.last_interaction_at > Customer.claimed_at)),
         Customer.last_interaction_at),
        (sa.and_(Customer.claimed_at.is_not(None), Customer.claimed_at > Customer.created_at), Customer.claimed_at),
        else_=Customer.created_at)


def idle_since(customer: Customer) -> datetime:
    return max(t for t in (customer.created_at, customer.claimed_at, customer.last_interaction_at) if t)


def recyclable():
    return sa.and_(Customer.owner_id.is_not(None), Customer.stage.in_(RECYCLABLE_STAGES),
                   Customer.merged_into_id.is_(None))


def returns_to_pool_on(customer: Customer) -> datetime | None:
    if customer.owner_id is None or customer.stage not in RECYCLABLE_STAGES:
        return None
    return idle_since(customer) + timedelta(days=get_setting("pool_days"))


def due_for_pool(owner_id: int, within_days: int = 7, now: datetime | None = None, limit: int = 20):
    """The owner's leads and valid customers that return to the pool within ``within_days``."""
    now = now or utcnow()
    days = get_setting("pool_days")
    start = now - timedelta(days=days)
    end = start + timedelta(days=within_days)
    idle = _idle_since()
    query = (sa.select(Customer).where(recyclable(), Customer.owner_id == owner_id, idle < end)
             .order_by(idle).limit(limit))
    return list(db.session.scalars(query))


def recycle_pool(now: datetime | None = None) -> list[Customer]:
    """Return to the public pool every lead or valid customer with no interaction for ``pool_days``.

    Counted from the last interaction, the claim or the creation, whichever is latest. Won
    customers and open negotiations never return. The former owner is notified; ownership
    changes are audited. The caller commits.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=get_setting("pool_days"))
    customers = list(db.session.scalars(sa.select(Customer).where(recyclable(), _idle_since() < cutoff)
                                        .order_by(Customer.id)))
    for customer in customers:
        former = customer.owner_id
        _hand_over(customer, "recycled", None, None, now)
        notify(former, N_("%(name)s returned to the public pool: no interaction for %(days)s days."),
               link=url_for("customers.detail", customer_id=customer.id, _external=False),
               name=customer.name, days=get_setting("pool_days"))
    db.session.flush()
    return customers
