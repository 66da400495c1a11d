"""Customers (D1): duplicates, the validity rule, stages, import, the public pool, permissions, lists."""
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db


def _customer(owner_id=None, name="Acme Trading Co., Ltd.", country="VN", stage="lead", **fields):
    from app.customers.models import Customer

    customer = Customer(name=name, country=country, stage=stage, owner_id=owner_id, **fields)
    db.session.add(customer)
    db.session.flush()
    return customer


def _make(app, **kwargs):
    """Create a customer outside any request; returns its id."""
    with app.app_context():
        contacts = kwargs.pop("contacts", [])
        needs = kwargs.pop("needs", 0)
        c = _customer(**kwargs)
        from app.customers.models import Contact
        from app.research.models import CustomerNeed

        for i, (name, email, phone) in enumerate(contacts):
            c.contacts.append(Contact(name=name, email=email, phone=phone, is_primary=i == 0))
        for _ in range(needs):
            db.session.add(CustomerNeed(customer=c, product_category="LED lighting", currency="USD"))
        db.session.commit()
        cid = c.id
        db.session.remove()
    return cid


def _english(client):
    client.post("/locale", data={"locale": "en"})
    return client


# --- the normaliser -------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Acme Trading Co., Ltd.", "ACME"),
    ("ＡＣＭＥ　ＣＯ．，ＬＴＤ．", "Acme Co.,Ltd"),
    ("Müller GmbH", "Muller AG"),
    ("Hoang Long S.A.", "hoang-long"),
    ("Bangkok B.V.", "Bangkok Pty Ltd"),
    ("Alpha S.A. de C.V.", "ALPHA SRL"),
    ("Kim Corp", "Kim Inc."),
    ("Smith & Co", "Smith LLC"),
    ("Siam Steel Public Company Limited", "Siam Steel"),
    ("PT Sinar Jaya Tbk", "Sinar Jaya"),
    ("Công ty TNHH Minh Phát", "Minh Phat Trading Co., Ltd"),
    ("Saigon Home Appliances Joint Stock Company", "Saigon Home Appliances JSC"),
    ("宁波海天贸易有限公司", "宁波海天"),
    ("宁波海天股份有限公司", "宁波海天有限责任公司"),
    ("（宁波）海天贸易有限公司", "(宁波)海天"),
])
def test_name_key_ignores_case_width_punctuation_and_legal_forms(a, b):
    from app.customers.normalise import name_key

    assert name_key(a) == name_key(b) != ""


@pytest.mark.parametrize("a, b", [
    ("Acme Trading Co., Ltd.", "Acme Lighting Co., Ltd."),
    ("宁波海天贸易有限公司", "宁波海地贸易有限公司"),
    ("A & B <Ltd>", "A B C Ltd"),
])
def test_name_key_keeps_different_companies_apart(a, b):
    from app.customers.normalise import name_key

    assert name_key(a) != name_key(b)


def test_domain_and_email_keys():
    from app.customers.normalise import domain_key, email_domain, email_key

    assert domain_key("https://www.Acme.com/en/about?x=1") == domain_key("acme.com") == "acme.com"
    assert domain_key("not a site") == "" and domain_key("") == ""
    assert email_key("  Lan.Nguyen@SaigonHome.VN ") == "lan.nguyen@saigonhome.vn"
    assert email_domain("x@gmail.com") == "" and email_domain("x@acme.com") == "acme.com"


def test_keys_are_kept_filled_on_every_save(ctx):
    c = _customer(name="Ｍüller ＧｍｂＨ", local_name="慕勒贸易有限公司", website="https://www.mueller.de/")
    db.session.commit()
    assert (c.name_key, c.local_name_key, c.domain) == ("muller", "慕勒", "mueller.de")
    c.name = "Schmidt AG"
    c.website = "schmidt.de"
    db.session.commit()
    assert (c.name_key, c.domain) == ("schmidt", "schmidt.de")


# --- duplicates, validity and stages ------------------------------------------------------------

def test_duplicates_are_found_by_name_domain_and_email(ctx, users):
    from app.customers.models import Contact
    from app.customers.services import find_duplicates

    a = _customer(name="Acme Trading Co., Ltd.", website="www.acme.com")
    b = _customer(name="Zeta GmbH")
    b.contacts.append(Contact(name="Z", email="buyer@zeta.de"))
    _customer(name="Unrelated Ltd")
    db.session.commit()
    assert [m.customer.id for m in find_duplicates("ACME")] == [a.id]
    assert [m.customer.id for m in find_duplicates("Other", website="https://acme.com/shop")] == [a.id]
    assert [m.customer.id for m in find_duplicates("Other", emails=["Buyer@Zeta.de"])] == [b.id]
    assert find_duplicates("Acme", exclude_id=a.id) == []


def test_moving_to_valid_is_refused_with_every_reason_until_qualified(ctx, users):
    from app.customers.models import Contact
    from app.customers.services import change_stage, keep_both
    from app.research.models import CustomerNeed

    other = _customer(name="Hanoi Lighting JSC", owner_id=users["rep2"])
    c = _customer(name="Hanoi Lighting Co., Ltd.", owner_id=users["rep1"])
    c.contacts.append(Contact(name="No means of contact"))
    db.session.commit()
    with force_locale("en"):
        problems = [str(p) for p in change_stage(c, "valid")]
    assert len(problems) == 3
    assert any("e-mail" in p for p in problems) and any("need" in p for p in problems)
    assert any("Hanoi Lighting JSC" in p for p in problems)
    assert c.stage == "lead" and c.valid_at is None

    c.contacts[0].phone = "+84 24 3933 1122"
    db.session.add(CustomerNeed(customer=c, product_category="LED lighting", currency="USD"))
    db.session.flush()
    with force_locale("en"):
        assert [str(p) for p in change_stage(c, "valid")] == [p for p in problems if "Hanoi Lighting JSC" in p]
    keep_both(c, [other], "Different company: the JSC is in Ho Chi Minh City", users["rep1"])
    db.session.flush()
    moment = datetime(2026, 11, 3, 9, 0)
    assert change_stage(c, "valid", now=moment) == []
    db.session.commit()
    assert c.stage == "valid" and c.valid_at == moment
    assert change_stage(c, "negotiating") == [] and change_stage(c, "won") == []
    db.session.commit()
    assert c.valid_at == moment, "valid_at is kept when the customer moves on"
    assert change_stage(c, "lead") != [], "won cannot go back to lead"


def test_stage_changes_are_audited_and_shown_on_the_detail_page(app, login_as, users):
    cid = _make(app, owner_id=users["rep1"], contacts=[("Lan", "lan@saigonhome.vn", "")], needs=1)
    rep = _english(login_as("rep1"))
    response = rep.post(f"/customers/{cid}/stage", data={"stage": "valid"})
    assert response.status_code == 303
    with app.app_context():
        from app.core.audit import history

        rows = [r for r in history(db.session, "customer", cid) if r.field == "stage"]
        assert [(r.old_value, r.new_value, r.user_id) for r in rows] == [("lead", "valid", users["rep1"])]
    page = rep.get(f"/customers/{cid}").get_data(as_text=True)
    history_html = page[page.index("History"):]
    assert "Lead" in history_html and "Valid customer" in history_html and "Zhang Wei" in history_html


def test_refused_stage_change_lists_the_reasons_in_the_htmx_fragment(app, login_as, users):
    cid = _make(app, owner_id=users["rep1"])
    rep = _english(login_as("rep1"))
    response = rep.htmx_post(f"/customers/{cid}/stage", data={"stage": "valid"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Record at least one need" in body and "e-mail address or a phone" in body
    assert rep.htmx_post(f"/customers/{cid}/stage", data={"stage": "won"}).status_code == 422


def test_create_shows_duplicates_and_keeps_both_only_with_a_reason(app, login_as, users):
    from app.customers.models import Customer, DuplicateDecision

    existing = _make(app, owner_id=users["rep2"], name="Siam LED Solutions Co., Ltd.")
    rep = _english(login_as("rep1"))
    form = {"name": "SIAM LED SOLUTIONS", "country": "TH", "source": "trade_show", "grade": "B", "owner": "me",
            "contact_name": "Kanya", "contact_email": "kanya@siamled.co.th"}
    page = rep.post("/customers/new", data=form)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Possible duplicates" in body and "Siam LED Solutions Co., Ltd." in body
    assert 'value="SIAM LED SOLUTIONS"' in body, "what was typed is kept"
    assert "Not yours" in body, "another rep's record cannot be merged into"
    assert rep.post("/customers/new", data=dict(form, duplicate_action="keep")).status_code == 422
    nameless = rep.post("/customers/new", data=dict(form, contact_name="", name="Brand New Co"))
    assert nameless.status_code == 422 and "Enter the contact" in nameless.get_data(as_text=True)
    response = rep.post("/customers/new", data=dict(form, duplicate_action="keep",
                                                    duplicate_reason="Branch in Chiang Mai, separate buyer"))
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(sa.select(Customer).where(Customer.name == "SIAM LED SOLUTIONS"))
        assert created.owner_id == users["rep1"] and created.contacts[0].email == "kanya@siamled.co.th"
        decision = db.session.scalar(sa.select(DuplicateDecision))
        assert (decision.customer_id, decision.other_id) == (created.id, existing)
        assert decision.reason == "Branch in Chiang Mai, separate buyer"
        from app.customers.services import unresolved_duplicates

        assert unresolved_duplicates(created) == []


def test_create_can_add_the_contact_to_ones_own_existing_record_instead(app, login_as, users):
    from app.customers.models import Customer

    existing = _make(app, owner_id=users["rep1"], name="Bangkok Kitchen Mart Co., Ltd.", website="bkkkitchenmart.co.th")
    rep = login_as("rep1")
    form = {"name": "Bangkok Kitchen Mart", "country": "TH", "source": "other", "grade": "C", "owner": "me",
            "website": "https://www.bkkkitchenmart.co.th", "contact_name": "Somchai",
            "contact_email": "somchai@bkkkitchenmart.co.th", "duplicate_action": f"merge:{existing}"}
    response = rep.post("/customers/new", data=form)
    assert response.status_code == 303 and response.location.endswith(f"/customers/{existing}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1
        assert [c.email for c in db.session.get(Customer, existing).contacts] == ["somchai@bkkkitchenmart.co.th"]


def test_merge_moves_contacts_and_needs_and_retires_the_duplicate(app, login_as, users):
    from app.customers.models import Customer

    keep = _make(app, owner_id=users["rep1"], name="Minh Phat Trading Co., Ltd", contacts=[("Le Minh", "", "1")])
    dupe = _make(app, owner_id=users["rep1"], name="Công ty TNHH Minh Phát", contacts=[("Pham Thu", "", "2")],
                 needs=1)
    rep = login_as("rep1")
    assert "Minh Phat Trading" in rep.get(f"/customers/{dupe}").get_data(as_text=True)
    response = rep.post(f"/customers/{dupe}/duplicates/{keep}/merge", follow_redirects=True)
    assert response.request.path == f"/customers/{keep}"
    with app.app_context():
        kept = db.session.get(Customer, keep)
        assert sorted(c.name for c in kept.contacts) == ["Le Minh", "Pham Thu"] and len(kept.needs) == 1
        assert db.session.get(Customer, dupe).merged_into_id == keep
    listing = rep.get("/customers/").get_data(as_text=True)
    assert "Minh Phat Trading" in listing and "Công ty TNHH Minh Phát" not in listing


def test_merging_into_a_colleagues_customer_is_refused(app, login_as, users):
    from app.customers.models import Customer

    theirs = _make(app, owner_id=users["rep2"], name="Acme Ltd")
    mine = _make(app, owner_id=users["rep1"], name="ACME Inc", contacts=[("X", "x@acme.com", "")])
    rep = login_as("rep1")
    rep.post(f"/customers/{mine}/duplicates/{theirs}/merge")
    with app.app_context():
        assert db.session.get(Customer, mine).merged_into_id is None
    assert rep.post(f"/customers/{mine}/duplicates/{theirs}/keep", data={"reason": ""}).status_code == 303
    with app.app_context():
        from app.customers.services import unresolved_duplicates

        assert len(unresolved_duplicates(db.session.get(Customer, mine))) == 1
    rep.post(f"/customers/{mine}/duplicates/{theirs}/keep", data={"reason": "Same name, different country"})
    with app.app_context():
        assert unresolved_duplicates(db.session.get(Customer, mine)) == []


# --- permissions ----------------------------------------------------------------------------------

def test_reps_cannot_open_colleagues_customers(app, login_as, users):
    cid = _make(app, owner_id=users["rep1"], name="Rep One's Customer")
    rep2 = login_as("rep2")
    for url in (f"/customers/{cid}", f"/customers/{cid}/edit", f"/customers/{cid}/contacts/new",
                f"/research/needs/new?customer_id={cid}"):
        assert rep2.get(url).status_code == 404, url
    assert rep2.post(f"/customers/{cid}/stage", data={"stage": "lost"}).status_code == 404
    assert rep2.post(f"/customers/{cid}/claim").status_code == 404
    assert "Rep One's Customer" not in rep2.get("/customers/").get_data(as_text=True)
    assert login_as("manager").get(f"/customers/{cid}/edit").status_code == 200


def test_pool_customers_are_read_only_and_contact_details_masked_until_claimed(app, login_as, users):
    cid = _make(app, owner_id=None, name="Jakarta Electric Mart",
                contacts=[("Dewi Lestari", "dewi@jakartaelectricmart.co.id", "+62 21 5790 1234")])
    rep = login_as("rep1")
    page = rep.get(f"/customers/{cid}").get_data(as_text=True)
    assert "Dewi Lestari" in page and "dewi@jakartaelectricmart.co.id" not in page and "5790 1234" not in page
    assert "d•••@jakartaelectricmart.co.id" in page
    assert rep.get(f"/customers/{cid}/edit").status_code == 403
    assert rep.post(f"/customers/{cid}/claim").status_code == 303
    assert "dewi@jakartaelectricmart.co.id" in rep.get(f"/customers/{cid}").get_data(as_text=True)
    assert rep.get(f"/customers/{cid}/edit").status_code == 200


def test_legal_and_finance_read_customers_but_change_nothing(app, login_as, users, make_user):
    cid = _make(app, owner_id=users["rep1"], contacts=[("Lan", "lan@acme.vn", "")])
    for who in ("legal", "finance"):
        c = login_as(who)
        assert c.get("/customers/").status_code == 200
        assert "lan@acme.vn" in c.get(f"/customers/{cid}").get_data(as_text=True)
        assert c.get(f"/customers/{cid}/edit").status_code == 403
        assert c.get("/customers/new").status_code == 403
        assert c.get("/customers/import").status_code == 403
        assert c.post(f"/customers/{cid}/stage", data={"stage": "lost"}).status_code == 403
    make_user("marketer", roles=())
    assert login_as("marketer").get("/customers/").status_code == 403
    assert login_as("rep1").post(f"/customers/{cid}/assign", data={"owner_id": users["rep2"]}).status_code == 403


# --- the public pool ------------------------------------------------------------------------------

def test_recycle_pool_with_a_fake_clock(app, users):
    from app.core.models import Notification
    from app.customers.models import Customer, PoolEvent
    from app.customers.services import due_for_pool, recycle_pool

    now = datetime(2026, 11, 20, 1, 0)
    old = now - timedelta(days=31)
    with app.test_request_context():
        idle_lead = _customer(name="Idle Lead", owner_id=users["rep1"], created_at=old, claimed_at=old)
        idle_valid = _customer(name="Idle Valid", owner_id=users["rep1"], stage="valid", created_at=old,
                               valid_at=old)
        talking = _customer(name="Recent Interaction", owner_id=users["rep1"], created_at=old,
                            last_interaction_at=now - timedelta(days=29))
        fresh_claim = _customer(name="Claimed Last Week", owner_id=users["rep2"], created_at=old,
                                claimed_at=now - timedelta(days=7))
        won = _customer(name="Won Long Ago", owner_id=users["rep1"], stage="won", created_at=old)
        negotiating = _customer(name="Negotiating", owner_id=users["rep1"], stage="negotiating", created_at=old)
        db.session.commit()
        soon = [c.name for c in due_for_pool(users["rep1"], within_days=7, now=now - timedelta(days=3))]
        assert soon == ["Idle Lead", "Idle Valid", "Recent Interaction"] or set(soon) == {
            "Idle Lead", "Idle Valid", "Recent Interaction"}
        returned = recycle_pool(now=now)
        db.session.commit()
        assert sorted(c.name for c in returned) == ["Idle Lead", "Idle Valid"]
        for c in (idle_lead, idle_valid):
            assert db.session.get(Customer, c.id).owner_id is None
        for c in (talking, fresh_claim, won, negotiating):
            assert db.session.get(Customer, c.id).owner_id is not None
        events = db.session.scalars(sa.select(PoolEvent).where(PoolEvent.kind == "recycled")).all()
        assert {e.from_owner_id for e in events} == {users["rep1"]}
        notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == users["rep1"])).all()
        assert len(notes) == 2 and all("no interaction" in n.message for n in notes)
        from app.core.audit import history

        assert any(r.field == "owner_id" and r.new_value is None for r in history(db.session, "customer",
                                                                                   idle_lead.id))
        assert recycle_pool(now=now + timedelta(hours=12)) == [], "running it again changes nothing new"


def test_recycle_pool_command(app, runner, users):
    with app.app_context():
        _customer(name="Idle", owner_id=users["rep1"], created_at=datetime(2020, 1, 1))
        db.session.commit()
    result = runner.invoke(args=["recycle-pool"])
    assert result.exit_code == 0 and "1 customer(s)" in result.output


def test_claiming_respects_the_daily_limit_and_the_holding_cap(app, login_as, users):
    from app.core.settings import set_setting
    from app.customers.models import Customer

    with app.app_context():
        set_setting("pool_daily_claims", 2)
        set_setting("pool_cap", 3)
        db.session.commit()
    ids = [_make(app, owner_id=None, name=f"Pool {i}") for i in range(4)]
    rep = _english(login_as("rep1"))
    assert rep.post(f"/customers/{ids[0]}/claim").status_code == 303
    assert rep.post(f"/customers/{ids[1]}/claim").status_code == 303
    page = rep.post(f"/customers/{ids[2]}/claim", follow_redirects=True).get_data(as_text=True)
    assert "daily limit" in page
    with app.app_context():
        assert [db.session.get(Customer, i).owner_id for i in ids] == [users["rep1"]] * 2 + [None, None]
        set_setting("pool_daily_claims", 10)
        db.session.commit()
    _make(app, owner_id=users["rep1"], name="Held three")
    page = rep.post(f"/customers/{ids[2]}/claim", follow_redirects=True).get_data(as_text=True)
    assert "the limit is 3" in page
    won = _make(app, owner_id=users["rep1"], name="Won", stage="won")
    assert won, "won customers do not count against the cap, so nothing changes for the claim above"


def test_manager_assigns_and_the_new_owner_is_notified(app, login_as, users):
    from app.core.models import Notification
    from app.customers.models import Customer

    cid = _make(app, owner_id=None, name="Pool Customer")
    manager = login_as("manager")
    assert manager.post(f"/customers/{cid}/assign", data={"owner_id": users["rep3"]}).status_code == 303
    with app.app_context():
        assert db.session.get(Customer, cid).owner_id == users["rep3"]
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .where(Notification.user_id == users["rep3"])) == 1


def test_home_panels_pool_warning_and_new_valid_customers(app, login_as, users):
    from app.core.models import utcnow

    now = utcnow()
    _make(app, owner_id=users["rep1"], name="Returning Soon", created_at=now - timedelta(days=26))
    _make(app, owner_id=users["rep1"], name="Fresh Lead", created_at=now - timedelta(days=2))
    _make(app, owner_id=users["rep1"], name="Valid Today", stage="valid", created_at=now, valid_at=now)
    rep = _english(login_as("rep1"))
    panel = rep.get("/customers/panels/pool-due").get_data(as_text=True)
    assert "Returning Soon" in panel and "in 4 days" in panel and "Fresh Lead" not in panel
    panel = rep.get("/customers/panels/new-valid").get_data(as_text=True)
    assert "Valid Today" in panel and ">1<" in panel
    team = login_as("manager").get("/customers/panels/new-valid").get_data(as_text=True)
    assert re.search(r"Zhang Wei.*?>1<", team, re.S)


# --- list, export, edit ---------------------------------------------------------------------------

def test_list_filters_as_htmx_fragment_and_exports_the_filtered_list(app, login_as, users):
    from openpyxl import load_workbook

    _make(app, owner_id=users["rep1"], name="Alpha Vietnam", country="VN", stage="valid", tags="vip,distributor")
    _make(app, owner_id=users["rep1"], name="Beta Thailand", country="TH")
    _make(app, owner_id=None, name="Gamma Pool", country="VN")
    rep = login_as("rep1")
    fragment = rep.htmx_get("/customers/?country=VN").get_data(as_text=True)
    assert "<html" not in fragment and "Alpha Vietnam" in fragment and "Gamma Pool" in fragment
    assert "Beta Thailand" not in fragment
    assert "Alpha" in rep.get("/customers/?tag=vip").get_data(as_text=True)
    assert "Alpha" not in rep.get("/customers/?tag=vi").get_data(as_text=True)
    assert "Gamma" not in rep.get("/customers/?owner=me").get_data(as_text=True)
    response = rep.get("/customers/export.xlsx?country=VN&sort=name")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Alpha Vietnam", "Gamma Pool"]


def test_list_shows_the_primary_contact_else_the_first(app, login_as, users):
    from app.customers.models import Contact

    primary_second = _make(app, owner_id=users["rep1"], name="Primary Second Co.",
                           contacts=[("Ann First", "ann@ps.com", ""), ("Bob Primary", "bob@ps.com", "")])
    _make(app, owner_id=users["rep1"], name="No Primary Co.", contacts=[("Cem Early", "cem@np.com", "")])
    with app.app_context():
        for contact in db.session.scalars(db.select(Contact)):
            contact.is_primary = contact.name == "Bob Primary"
        db.session.commit()
    rows = login_as("rep1").htmx_get("/customers/?owner=me&sort=name").get_data(as_text=True)
    assert "Bob Primary" in rows and "Ann First" not in rows
    assert "Cem Early" in rows  # no primary contact: the first one
    assert f'/customers/{primary_second}"' in rows


def test_list_paginates_with_filters_kept(app, login_as, users):
    with app.app_context():
        from app.customers.models import Customer

        db.session.add_all([Customer(name=f"Paged {i:03d}", country="VN", owner_id=users["rep1"]) for i in range(120)])
        db.session.commit()
    rep = _english(login_as("rep1"))
    first = rep.get("/customers/?country=VN&sort=name").get_data(as_text=True)
    assert "Page 1 of 3" in first and "Paged 000" in first and "Paged 050" not in first
    assert "page=2" in first and "country=VN" in first
    second = rep.htmx_get("/customers/?country=VN&sort=name&page=2").get_data(as_text=True)
    assert "Page 2 of 3" in second and "Paged 050" in second and "Paged 000" not in second
    assert "Previous" in second and "Next" in second


def test_list_query_count_does_not_grow_with_rows(app, login_as, users):
    from sqlalchemy import event

    rep = login_as("manager")

    def count(path):
        statements = []

        def listener(*args):
            statements.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert rep.get(path).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for i in range(3):
        _make(app, owner_id=users["rep1"], name=f"Few {i}", contacts=[("C", f"c{i}@few.com", "")])
    few = count("/customers/")
    for i in range(30):
        _make(app, owner_id=users["rep2"], name=f"Many {i}", contacts=[("C", f"c{i}@many.com", "")])
    assert count("/customers/") == few


def test_edit_validates_and_refuses_a_stale_form(app, login_as, users):
    from app.customers.models import Customer

    cid = _make(app, owner_id=users["rep1"], name="Old Name")
    rep = _english(login_as("rep1"))
    form = {"name": "", "country": "VN", "source": "other", "grade": "C", "version_id": "1", "website": "nope"}
    response = rep.post(f"/customers/{cid}/edit", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "This field is required" in body and "Enter a website address" in body
    with app.app_context():
        c = db.session.get(Customer, cid)
        c.city = "Hanoi"
        db.session.commit()
    response = rep.post(f"/customers/{cid}/edit", data=dict(form, name="My New Name", website="", city="Hue"))
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else saved" in body and 'value="My New Name"' in body and "Hanoi" in body
    with app.app_context():
        assert db.session.get(Customer, cid).name == "Old Name"


# --- import ---------------------------------------------------------------------------------------

GBK_CSV = ("公司名称,国家,城市,联系人,邮箱,电话,备注\r\n"
           "河内照明贸易有限公司,越南,河内,陈文德,duc@hanoilighting.vn,+84 24 3933 1122,广交会认识\r\n"
           "\"Siam Kitchen Co., Ltd.\",TH,Bangkok,Somchai,somchai@siamkitchen.co.th,,\r\n"
           "坏行公司,火星,,,,,\r\n"
           "Bad Mail Trading,VN,,Le,not-an-email,,\r\n"
           "Existing Buyer LLC,US,,,,,\r\n"
           "SIAM KITCHEN,TH,,,,,\r\n")


def _upload(client, data: bytes, filename: str):
    from werkzeug.datastructures import FileStorage

    return client.post("/customers/import", data={"file": FileStorage(io.BytesIO(data), filename=filename)},
                       content_type="multipart/form-data")


def test_gbk_import_with_bad_rows_maps_previews_imports_and_lists_rejections(app, login_as, users):
    from openpyxl import load_workbook

    from app.customers.models import Customer, CustomerImport

    _make(app, owner_id=users["rep2"], name="Existing Buyer Inc.")
    rep = _english(login_as("rep1"))
    response = _upload(rep, GBK_CSV.encode("gbk"), "客户名单.csv")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    mapping_url = response.location
    with app.app_context():
        imp = db.session.scalar(sa.select(CustomerImport))
        assert imp.mapping == {"name": "公司名称", "country": "国家", "city": "城市", "contact_name": "联系人",
                               "contact_email": "邮箱", "contact_phone": "电话", "notes": "备注"}
        assert imp.total_rows == 6
        import_id = imp.id
    page = rep.get(mapping_url).get_data(as_text=True)
    assert "河内照明贸易有限公司" in page
    form = {f"map_{k}": v for k, v in {"name": "公司名称", "country": "国家", "city": "城市", "contact_name": "联系人",
                                        "contact_email": "邮箱", "contact_phone": "电话", "notes": "备注"}.items()}
    form.update(owner="me", source="customs_data", duplicates="reject")
    assert rep.post(mapping_url, data=form).status_code == 303
    preview = rep.get(f"/customers/import/{import_id}/preview").get_data(as_text=True)
    assert "Unknown country “火星”" in preview and "not-an-email" in preview
    assert "Existing Buyer Inc." in preview and "Same company as row 3" in preview
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1, "the preview writes nothing"
    assert rep.post(f"/customers/import/{import_id}/run").status_code == 303
    result = rep.get(f"/customers/import/{import_id}").get_data(as_text=True)
    assert "火星" in result or "坏行公司" in result
    with app.app_context():
        imported = db.session.scalars(sa.select(Customer).where(Customer.owner_id == users["rep1"])
                                      .order_by(Customer.id)).all()
        assert [(c.name, c.country, c.source, c.stage) for c in imported] == [
            ("河内照明贸易有限公司", "VN", "customs_data", "lead"), ("Siam Kitchen Co., Ltd.", "TH", "customs_data", "lead")]
        assert imported[0].contacts[0].email == "duc@hanoilighting.vn" and imported[0].notes == "广交会认识"
        assert imported[0].name_key == "河内照明"
        imp = db.session.get(CustomerImport, import_id)
        assert (imp.imported_count, imp.rejected_count) == (2, 4)
        assert [r["row"] for r in imp.rejected] == [4, 5, 6, 7]
    sheet = load_workbook(io.BytesIO(rep.get(f"/customers/import/{import_id}/rejected.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Row 行号", "Reason 原因") and rows[1][0] == "坏行公司" and rows[1][-2] == 4
    assert login_as("rep2").get(f"/customers/import/{import_id}").status_code == 404


def test_import_reads_utf8_bom_and_xlsx_and_guesses_english_headers(app):
    from openpyxl import Workbook

    from app.customers.importing import guess_mapping, read_table

    text = "Company Name,Country,E-mail,Contact Person,Website\nAcme,Vietnam,a@acme.vn,An,acme.vn\n"
    frame = read_table(("\ufeff" + text).encode("utf-8"), "csv")
    assert list(frame.columns)[0] == "Company Name" and frame.iloc[0]["Country"] == "Vietnam"
    assert guess_mapping(list(frame.columns)) == {"name": "Company Name", "country": "Country",
                                                  "contact_email": "E-mail", "contact_name": "Contact Person",
                                                  "website": "Website"}
    wb = Workbook()
    wb.active.append(["客户名称", "国家/地区", "手机"])
    wb.active.append(["东京杂货株式会社", "日本", 8613800000000])
    wb.active.append([None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    frame = read_table(buf.getvalue(), "xlsx")
    assert len(frame) == 1 and frame.iloc[0]["手机"] == "8613800000000" and list(frame.index) == [2]


def test_import_flag_policy_imports_duplicates_for_a_decision(app, ctx, users):
    import pandas as pd

    from app.customers.importing import check, insert
    from app.customers.services import change_stage, unresolved_duplicates

    _customer(name="Existing Buyer Inc.", owner_id=users["rep2"])
    db.session.commit()
    frame = pd.DataFrame({"Name": ["Existing Buyer LLC"], "Country": ["US"]}, index=[2])
    reject = check(frame, {"name": "Name", "country": "Country"}, {"duplicates": "reject"})
    assert len(reject.good) == 0 and reject.rejected_count == 1
    flag = check(frame, {"name": "Name", "country": "Country"}, {"duplicates": "flag"})
    assert len(flag.good) == 1 and flag.flagged == 1
    insert(flag.good, users["rep1"], users["rep1"])
    db.session.commit()
    from app.customers.models import Customer

    new = db.session.scalar(sa.select(Customer).where(Customer.name == "Existing Buyer LLC"))
    assert len(unresolved_duplicates(new)) == 1
    assert any("Existing Buyer Inc." in str(p) for p in change_stage(new, "valid"))


def test_import_of_ten_thousand_rows_takes_seconds(app, ctx, users):
    import time

    import pandas as pd

    from app.customers.importing import check, insert

    _customer(name="Row 5 Trading Co., Ltd.", owner_id=users["rep2"])
    db.session.commit()
    n = 10_000
    frame = pd.DataFrame({"Company": [f"Row {i} Trading" for i in range(n)], "Country": ["VN"] * n,
                          "Email": [f"buyer{i}@row{i}.vn" for i in range(n)]}, index=range(2, n + 2))
    start = time.perf_counter()
    result = check(frame, {"name": "Company", "country": "Country", "contact_email": "Email"}, {})
    insert(result.good, users["rep1"], users["rep1"])
    db.session.commit()
    elapsed = time.perf_counter() - start
    assert result.rejected_count == 1 and len(result.good) == n - 1
    assert elapsed < 20, elapsed


def test_rep_at_the_cap_cannot_import_to_themselves(app, login_as, users):
    from app.core.settings import set_setting

    with app.app_context():
        set_setting("pool_cap", 1)
        db.session.commit()
    rep = _english(login_as("rep1"))
    response = _upload(rep, "Company,Country\nA Co,VN\nB Co,TH\n".encode(), "list.csv")
    import_id = int(response.location.rstrip("/").split("/")[-2])
    rep.post(response.location, data={"map_name": "Company", "map_country": "Country", "owner": "me",
                                      "source": "other", "duplicates": "reject"})
    preview = rep.get(f"/customers/import/{import_id}/preview").get_data(as_text=True)
    assert "the limit is 1" in preview
    assert rep.post(f"/customers/import/{import_id}/run").status_code == 303
    from app.customers.models import Customer

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 0


def test_upload_refuses_files_that_are_not_tables(login_as):
    rep = _english(login_as("rep1"))
    response = _upload(rep, b"%PDF-1.4 nothing", "list.csv")
    assert response.status_code == 422 and "does not match" in response.get_data(as_text=True)
    response = _upload(rep, b"only a header\n", "list.csv")
    assert response.status_code == 422 and "no data rows" in response.get_data(as_text=True)
    response = _upload(rep, b"Company,Country\nAcme, Inc.,VN\n", "list.csv")
    assert response.status_code == 422 and "Row 2 has 3 columns" in response.get_data(as_text=True)


def test_seeded_demo_customers_are_consistent(app, users):
    from app.core.cli import seed_users
    from app.customers.models import Customer
    from app.customers.seed import seed_customers
    from app.customers.services import validity_problems

    with app.test_request_context(), force_locale("en"):
        people = seed_users("demo")
        seed_customers(people)
        seed_customers(people)
        db.session.commit()
        customers = db.session.scalars(sa.select(Customer)).all()
        assert len(customers) == 40 and len({c.name for c in customers}) == 40
        assert {c.owner_id for c in customers} >= {users["rep1"], users["rep2"], users["rep3"], None}
        for c in customers:
            if c.stage in ("valid", "negotiating", "won"):
                assert c.valid_at is not None
                problems = [str(p) for p in validity_problems(c)]
                assert not [p for p in problems if "duplicate" not in p], (c.name, problems)
        minh = db.session.scalar(sa.select(Customer).where(Customer.name == "Minh Phat Trading Co., Ltd"))
        assert validity_problems(minh), "the demo keeps one duplicate to decide about"
        assert Decimal("0") < sum((n.quantity or 0) for c in customers for n in c.needs)


def test_exports_keep_formula_like_names_as_text_and_rejected_rows_reimport(app, login_as, users):
    from openpyxl import load_workbook

    from app.customers.importing import guess_mapping, read_table

    _make(app, owner_id=users["rep1"], name="=HYPERLINK(\"http://evil.example\",\"click\")", country="VN")
    rep = login_as("rep1")
    sheet = load_workbook(io.BytesIO(rep.get("/customers/export.xlsx").data)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")

    response = _upload(rep, "公司名称,国家\n好公司,越南\n坏公司,火星\n".encode("gbk"), "list.csv")
    import_id = int(response.location.rstrip("/").split("/")[-2])
    rep.post(response.location, data={"map_name": "公司名称", "map_country": "国家", "owner": "me", "source": "other",
                                      "duplicates": "reject"})
    rep.post(f"/customers/import/{import_id}/run")
    data = rep.get(f"/customers/import/{import_id}/rejected.xlsx").data
    frame = read_table(data, "xlsx")
    assert list(frame.columns) == ["公司名称", "国家", "Row 行号", "Reason 原因"]
    assert guess_mapping(list(frame.columns)) == {"name": "公司名称", "country": "国家"}
    assert frame.iloc[0]["公司名称"] == "坏公司" and frame.iloc[0]["Row 行号"] == "3"
