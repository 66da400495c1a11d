"""Each demo account's home page shows that person's work, and only theirs; search finds seeded records."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db


@pytest.fixture
def seeded(app, runner, users):
    result = runner.invoke(args=["seed-demo", "--password", "demo"])
    assert result.exit_code == 0, result.output
    return users


def _home(client) -> str:
    page = client.get("/").get_data(as_text=True)
    html = [page]
    for url in re.findall(r'hx-get="([^"]+)" hx-trigger="load"', page):
        response = client.htmx_get(url)
        assert response.status_code == 200, url
        html.append(response.get_data(as_text=True))
    return "\n".join(html)


def test_every_demo_account_sees_its_own_home_and_never_a_colleagues_customers(app, login_as, seeded):
    from app.customers.models import Customer

    with app.app_context():
        names = {uid: set(db.session.scalars(sa.select(Customer.name).where(Customer.owner_id == uid)))
                 for uid in (seeded["rep1"], seeded["rep2"], seeded["rep3"])}
    homes = {}
    for username in ("admin", "manager", "rep1", "rep2", "rep3", "legal", "finance", "logistics", "product"):
        homes[username] = _home(login_as(username))
        assert "panel-" in homes[username] or "没有待办" in homes[username]
    for rep in ("rep1", "rep2", "rep3"):
        others = set().union(*(n for uid, n in names.items() if uid != seeded[rep]))
        leaked = [name for name in others if name in homes[rep] and not any(name in n for n in names[seeded[rep]])]
        assert not leaked, f"{rep} sees colleagues' customers: {leaked}"
    assert 'id="panel-plans_awaiting_approval"' in homes["manager"]
    assert 'id="panel-plans_awaiting_approval"' not in homes["rep1"]


def test_search_finds_a_vietnamese_customer_by_its_chinese_country_name_and_a_contract_by_number(app, login_as, seeded):
    from app.contracts.models import Contract
    from app.customers.models import Customer

    with app.app_context():
        vietnamese = db.session.scalar(sa.select(Customer).where(Customer.country == "VN", Customer.owner_id == seeded["rep1"])
                                       .order_by(Customer.id))
        contract = db.session.scalar(sa.select(Contract).where(Contract.owner_id == seeded["rep1"]).order_by(Contract.id))
        assert vietnamese is not None and contract is not None
        customer_name, number, contract_id = vietnamese.name, contract.number, contract.id
    rep1 = login_as("rep1")
    assert customer_name in rep1.htmx_get("/search?q=越南").get_data(as_text=True)
    found = rep1.htmx_get(f"/search?q={number}").get_data(as_text=True)
    assert number in found and f'href="/contracts/{contract_id}"' in found
    rep2 = login_as("rep2")
    assert f'href="/contracts/{contract_id}"' not in rep2.htmx_get(f"/search?q={number}").get_data(as_text=True)
    rep2.post("/locale", data={"locale": "en"})
    assert "Contracts" in login_as("manager").htmx_get(f"/search?q={number}").get_data(as_text=True) or \
        "外贸合同" in login_as("manager").htmx_get(f"/search?q={number}").get_data(as_text=True)
