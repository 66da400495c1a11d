"""Security suite fixtures: one seeded demo world per module, restored from a snapshot after every write.

Seeding every area's demo data takes seconds, so a module that asks for ``world`` seeds once, takes a
snapshot, and after each test puts the database back only if the test wrote to it (SQLite: the online backup
API; PostgreSQL: COPY of every table). Tests without ``world`` get the usual empty tables.
"""
import io
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import Client, empty_all_tables, log_in

# The account playing each role of the matrix. "owner" owns the records in ``world.ids``; "dept" is a
# department member (logistics) without any sales, legal, finance or admin role.
ROLE_USERS = {"owner": "rep1", "rep2": "rep2", "manager": "manager", "legal": "legal", "finance": "finance",
              "admin": "admin", "dept": "logistics"}
ROLES = ("anon", *ROLE_USERS)


def truncate_all(app) -> None:
    empty_all_tables(app)


class SqliteSnapshot:
    def __init__(self, app, folder: Path):
        self.app = app
        with app.app_context():
            self.path = Path(db.engine.url.database)
        self.copy = folder / "snapshot.sqlite3"
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        src, dst = sqlite3.connect(self.path), sqlite3.connect(self.copy)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        self.watch = sqlite3.connect(self.path)
        self.version = self._version()

    def _version(self):
        # data_version changes whenever another connection commits to the file.
        return self.watch.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        return self._version() != self.version

    def restore(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        src, dst = sqlite3.connect(self.copy), sqlite3.connect(self.path)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        self.version = self._version()

    def close(self) -> None:
        self.watch.close()


class PostgresSnapshot:
    def __init__(self, app):
        self.app = app
        with app.app_context():
            db.session.remove()
            with db.engine.connect() as conn:
                self.tables = [r[0] for r in conn.execute(sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
                self.sequences = list(conn.execute(sa.text(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")))
                raw = conn.connection.driver_connection
                self.data = {}
                with raw.cursor() as cur:
                    for t in self.tables:
                        buf = io.BytesIO()
                        with cur.copy(f'COPY "{t}" TO STDOUT (FORMAT binary)') as copy:
                            for chunk in copy:
                                buf.write(chunk)
                        self.data[t] = buf.getvalue()
        self.lsn = self._lsn()

    def _lsn(self):
        with self.app.app_context():
            return db.session.execute(sa.text("SELECT pg_current_wal_insert_lsn()")).scalar()

    def changed(self) -> bool:
        return self._lsn() != self.lsn

    def restore(self) -> None:
        with self.app.app_context():
            db.session.remove()
            with db.engine.connect() as conn:
                raw = conn.connection.driver_connection
                with raw.cursor() as cur:
                    cur.execute("SET session_replication_role = replica")
                    for t in reversed(self.tables):  # DELETE: TRUNCATE syncs new files to disk every time
                        cur.execute(f'DELETE FROM "{t}"')
                    for t in self.tables:
                        with cur.copy(f'COPY "{t}" FROM STDIN (FORMAT binary)') as copy:
                            copy.write(self.data[t])
                    for name, value in self.sequences:
                        if value is not None:
                            cur.execute(f"SELECT setval('\"{name}\"', {int(value)})")
                    cur.execute("SET session_replication_role = DEFAULT")
                raw.commit()
        self.lsn = self._lsn()

    def close(self) -> None:
        pass


@dataclass
class World:
    """The seeded demo data: ``ids`` of records owned by rep1 (and a few others), clients per role."""

    app: object
    ids: dict
    users: dict
    snapshot: object
    clients: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role == "anon":
            return self.app.test_client()
        if role not in self.clients:
            c = self.app.test_client()
            response = log_in(c, ROLE_USERS.get(role, role))
            assert response.status_code == 303, (role, response.status_code)
            self.clients[role] = c
        return self.clients[role]

    def forget(self, role: str) -> None:
        self.clients.pop(role, None)

    def reset_if_changed(self) -> bool:
        if self.snapshot.changed():
            self.snapshot.restore()
            return True
        return False


def _first(sql: str, **params):
    return db.session.execute(sa.text(sql), params).scalar()


def _collect_ids(users: dict) -> dict:
    """Records of every kind owned by rep1 (the matrix's "owner"), found in the demo data."""
    rep1, mgr = users["rep1"], users["manager"]
    ids = {
        "customer": _first("SELECT id FROM customers WHERE owner_id = :u ORDER BY id", u=rep1),
        "rate": _first("SELECT id FROM exchange_rates ORDER BY id"),
        "department": _first("SELECT id FROM departments WHERE code = 'sales'"),
        "user": users["rep3"],
        "rep_user": rep1,
        "complaint": _first("SELECT id FROM complaints WHERE owner_id = :u ORDER BY id", u=rep1),
        "case": _first("SELECT c.id FROM case_records c JOIN customers k ON k.id = c.customer_id "
                       "WHERE k.owner_id = :u ORDER BY c.id", u=rep1),
        "interaction": _first("SELECT id FROM interactions WHERE user_id = :u ORDER BY id", u=rep1),
        "survey": _first("SELECT id FROM satisfaction_surveys WHERE created_by_id = :u ORDER BY id", u=rep1),
        "contract": _first("SELECT id FROM contracts WHERE owner_id = :u AND status = 'signed' ORDER BY id", u=rep1),
        "quotation": _first("SELECT id FROM quotations WHERE owner_id = :u AND status = 'sent' ORDER BY id", u=rep1),
        "plan": _first("SELECT id FROM sales_plans WHERE owner_id = :u ORDER BY id", u=rep1),
        "task": _first("SELECT id FROM plan_tasks WHERE owner_id = :u AND status = 'open' ORDER BY id", u=rep1),
        "meeting": _first("SELECT id FROM meetings WHERE organiser_id = :u ORDER BY id", u=mgr),
        "action_item": _first("SELECT id FROM action_items WHERE owner_id = :u ORDER BY id", u=rep1),
        "request": _first("SELECT id FROM resource_requests WHERE requester_id = :u AND status = 'requested' "
                          "ORDER BY id", u=rep1),
        "research_report": _first("SELECT id FROM research_reports WHERE owner_id = :u ORDER BY id", u=rep1),
        "competitor": _first("SELECT id FROM competitors ORDER BY id"),
        "price": _first("SELECT id FROM competitor_prices ORDER BY id"),
        "monthly_report": _first("SELECT id FROM monthly_reports WHERE owner_id = :u AND status = 'submitted' "
                                 "ORDER BY id", u=rep1),
        "file": _first("SELECT id FROM stored_files WHERE uploaded_by_id = :u ORDER BY id", u=rep1),
        "notification": _first("SELECT id FROM notifications WHERE user_id = :u ORDER BY id", u=rep1),
    }
    for state in ("returned", "in_review"):
        ids[f"contract_{state}"] = _first("SELECT id FROM contracts WHERE owner_id = :u AND status = :s ORDER BY id",
                                          u=rep1, s=state)
    ids["contact"] = _first("SELECT id FROM contacts WHERE customer_id = :c ORDER BY id", c=ids["customer"])
    ids["other_customer"] = _first("SELECT id FROM customers WHERE owner_id = :u AND id <> :c ORDER BY id",
                                   u=rep1, c=ids["customer"])
    ids["need"] = _first("SELECT n.id FROM customer_needs n JOIN customers c ON c.id = n.customer_id "
                         "WHERE c.owner_id = :u ORDER BY n.id", u=rep1)
    ids["receipt"] = _first("SELECT id FROM contract_receipts WHERE contract_id = :c ORDER BY id", c=ids["contract"])
    feedback = db.session.execute(sa.text(
        "SELECT f.id, n.quotation_id FROM customer_feedback f JOIN negotiations n ON n.id = f.negotiation_id "
        "JOIN quotations q ON q.id = n.quotation_id WHERE q.owner_id = :u ORDER BY f.id"), {"u": rep1}).first()
    ids["feedback"], ids["feedback_quotation"] = feedback or (None, None)
    ids["product"] = _first("SELECT id FROM products ORDER BY id")
    ids["accepted_quotation"] = _first("SELECT id FROM quotations WHERE owner_id = :u AND status = 'accepted' "
                                       "ORDER BY id", u=rep1)
    missing = [k for k, v in ids.items() if v is None]
    assert not missing, f"the demo data has no record for {missing}"
    return ids


def _make_imports(world: World) -> None:
    """An import of customers and one of sales, uploaded by rep1 (the demo data has none)."""
    owner = world.client("owner")
    csv = "Company,Country,E-mail\nHostile Test GmbH,DE,a@example.de\n".encode()
    for url, key, table in (("/customers/import", "customer_import", "customer_imports"),
                            ("/reports/sales/import", "sales_import", "sales_imports")):
        response = owner.post(url, data={"file": (io.BytesIO(csv), "upload.csv")}, content_type="multipart/form-data")
        assert response.status_code == 303, (url, response.status_code, response.get_data(as_text=True)[:300])
        with world.app.app_context():
            world.ids[key] = _first(f"SELECT max(id) FROM {table}")
            db.session.remove()


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    runner = app.test_cli_runner()
    truncate_all(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    with app.app_context():
        from app.auth.models import User

        users = {u.username: u.id for u in db.session.scalars(sa.select(User))}
        ids = _collect_ids(users)
        db.session.remove()
    w = World(app=app, ids=ids, users=users, snapshot=None)
    for role in ROLE_USERS:
        w.client(role)
    _make_imports(w)
    folder = tmp_path_factory.mktemp("snapshot")
    with app.app_context():
        dialect = db.engine.dialect.name
    w.snapshot = SqliteSnapshot(app, folder) if dialect == "sqlite" else PostgresSnapshot(app)
    yield w
    w.snapshot.close()
    truncate_all(app)


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    """Replaces the suite-wide cleaner: restore the seeded world if the test wrote to it, else truncate."""
    yield
    if "world" in request.fixturenames:
        request.getfixturevalue("world").reset_if_changed()
    else:
        truncate_all(app)
