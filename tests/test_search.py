"""Global search: finds customers, contacts and products by any part of their names, only where allowed."""
import pytest

from app.extensions import db


@pytest.fixture
def records(app, users):
    from app.customers.models import Contact, Customer
    from app.pricing.models import Product

    with app.test_request_context():
        mine = Customer(name="Müller Küchentechnik GmbH", local_name="穆勒厨房技术有限公司", name_key="muller kuchentechnik",
                        country="DE", owner_id=users["rep1"])
        mine.contacts.append(Contact(name="Hans Weber", email="h.weber@mueller-kt.de", phone="+49 30 1234567"))
        theirs = Customer(name="Secret Buyer LLC", country="US", owner_id=users["rep2"])
        theirs.contacts.append(Contact(name="Jane Hidden", email="jane@secretbuyer.com"))
        pool = Customer(name="Open Pool Trading S.A.", country="ES", owner_id=None)
        hostile = Customer(name="<script>alert(1)</script> Imports", country="FR", owner_id=users["rep1"])
        product = Product(sku="KT-1001", name_en="Electric kettle 1.7 L", name_zh="电热水壶 1.7升", hs_code="8516.79.00")
        db.session.add_all([mine, theirs, pool, hostile, product])
        db.session.commit()
        return {"mine": mine.id, "theirs": theirs.id, "pool": pool.id}


def _titles(client, q):
    return client.htmx_get(f"/search?q={q}").get_data(as_text=True)


def test_rep_finds_own_customers_contacts_pool_and_products_but_not_colleagues(login_as, records):
    rep = login_as("rep1")
    assert "Müller Küchentechnik GmbH" in _titles(rep, "küchen")
    assert "Müller Küchentechnik GmbH" in _titles(rep, "穆勒厨房")
    assert "Müller Küchentechnik GmbH" in _titles(rep, "穆勒")
    assert "Müller Küchentechnik GmbH" in _titles(rep, "德国")
    assert "Müller Küchentechnik GmbH" in _titles(rep, "germany")
    assert "Hans Weber" in _titles(rep, "weber@mueller")
    assert "Hans Weber" in _titles(rep, "1234567")
    assert "Open Pool Trading" in _titles(rep, "pool trad")
    assert "KT-1001" in _titles(rep, "kt-10")
    assert "KT-1001" in _titles(rep, "电热水壶")
    body = _titles(rep, "secret")
    assert "Secret Buyer" not in body and "Jane Hidden" not in body


def test_manager_sees_everyone(login_as, records):
    manager = login_as("manager")
    body = _titles(manager, "secret")
    assert "Secret Buyer LLC" in body and "Jane Hidden" in body


def test_index_follows_ownership_changes(app, login_as, records, users):
    from app.customers.models import Customer

    rep2 = login_as("rep2")
    assert "Hans Weber" not in _titles(rep2, "weber")
    with app.test_request_context():
        customer = db.session.get(Customer, records["mine"])
        customer.owner_id = users["rep2"]
        db.session.commit()
    assert "Hans Weber" in _titles(rep2, "weber")
    assert "Hans Weber" not in _titles(login_as("rep1"), "weber")


def test_results_are_escaped_and_short_queries_ask_for_more(login_as, records):
    rep = login_as("rep1")
    body = _titles(rep, "script")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Imports" in body and "<script>alert" not in body
    assert "Müller" not in _titles(rep, "m")
    assert rep.get("/search?q=%27%20OR%201%3D1%20--").status_code == 200
    assert rep.get('/search?q="unterminated').status_code == 200


def test_full_page_without_htmx(login_as, records):
    page = login_as("rep1").get("/search?q=kettle").get_data(as_text=True)
    assert "<html" in page and "Electric kettle" in page


def test_reindex_rebuilds_the_entries(app, records):
    from app.auth.models import User
    from app.home.search import reindex, search

    with app.test_request_context():
        db.session.execute(db.text("DELETE FROM search_entries"))
        db.session.commit()
        assert reindex() >= 5
        manager = db.session.scalar(db.select(User).where(User.username == "manager"))
        assert "customer" in search(manager, "Müller")


def test_two_characters_find_chinese_words_anywhere_and_other_words_by_their_start(app, login_as, records, users):
    from app.customers.models import Contact, Customer

    with app.test_request_context():
        ningbo = Customer(name="Harbor Lights Co.", local_name="宁波海港灯饰有限公司", country="CN", owner_id=users["rep1"])
        ningbo.contacts.append(Contact(name="王伟", email="wang@harbor.cn"))
        db.session.add(ningbo)
        db.session.add(Customer(name="宁波秘密买家", country="CN", owner_id=users["rep2"]))
        db.session.commit()
    rep = login_as("rep1")
    assert "Harbor Lights Co." in _titles(rep, "海港")          # two Chinese characters inside the name
    assert "王伟" in _titles(rep, "王伟")                        # a two-character Chinese name
    assert "Harbor Lights Co." in _titles(rep, "Li")            # the start of a word
    assert "Harbor Lights Co." not in _titles(rep, "ht")        # not the middle of one
    assert "宁波秘密买家" not in _titles(rep, "宁波")                # a colleague's customer stays hidden
    assert "宁波秘密买家" in _titles(login_as("manager"), "宁波")


def test_the_closest_name_is_shown_when_many_match(app, login_as, users):
    from app.customers.models import Customer

    with app.test_request_context():
        db.session.add_all([Customer(name=f"Blue Lotus Trading {i}", country="TH", owner_id=users["rep1"])
                            for i in range(12)] + [Customer(name="Lotus", country="TH", owner_id=users["rep1"])])
        db.session.commit()
    body = _titles(login_as("rep1"), "lotus")
    assert ">Lotus<" in body
    assert body.count("Blue Lotus Trading") <= 5  # at most six customers, the exact name among them


def test_short_terms_are_chinese_pairs_and_word_starts():
    from app.home.search import searchable, short_terms

    assert short_terms("宁波市 Golden Harbor GmbH") == "|gm| |go| |ha| |宁波| |波市|"
    assert short_terms("a") == ""
    assert searchable("QT-2026-0001").startswith("QT-2026-0001 ")


def test_every_kind_of_entry_has_its_search_index(app):
    import sqlalchemy as sa

    from app.home.models import SEARCH_KINDS
    from app.home.search import KIND_LABELS, indexers

    assert set(KIND_LABELS) == set(SEARCH_KINDS) == {i.kind for i in indexers()}
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = {i["name"] for i in sa.inspect(db.engine).get_indexes("search_entries")}
            assert {f"ix_search_entries_trgm_{kind}" for kind in SEARCH_KINDS} <= names
            assert "ix_search_entries_kind_title_prefix" in names
