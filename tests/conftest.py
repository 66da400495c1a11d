"""Fixtures: the app on SQLite (or PostgreSQL via DATABASE_URL), a client per role, factories."""
import os
import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

_tmp = Path(tempfile.mkdtemp(prefix="tradedesk-test-"))
os.environ["TRADEDESK_INSTANCE"] = str(_tmp)

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db as _db  # noqa: E402

# fixtures shared by several test modules (see the module docstring for why a plugin)
pytest_plugins = ["tests.contracts_support"]

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Client(FlaskClient):
    """A test client that sends the CSRF token with every form post, as the browser does."""

    token: str | None = None

    def fetch_token(self) -> str:
        html = self.get("/auth/login").get_data(as_text=True)
        match = TOKEN_RE.search(html)
        if not match:
            html = self.get("/").get_data(as_text=True)
            match = TOKEN_RE.search(html)
        self.token = match.group(1) or match.group(2)
        return self.token

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            token = self.token or self.fetch_token()
            data = kwargs.get("data")
            if data is None:
                kwargs["data"] = {"csrf_token": token}
            elif isinstance(data, dict):
                kwargs["data"] = {"csrf_token": token, **data}
            headers = dict(kwargs.pop("headers", {}) or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().post(*args, **kwargs)

    def htmx_get(self, url, **kwargs):
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.get(url, headers=headers, **kwargs)

    def htmx_post(self, url, **kwargs):
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        return self.post(url, headers=headers, **kwargs)


class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://", 1) \
        or "sqlite:///" + str(_tmp / "test.db")
    INSTANCE_DIR = _tmp
    UPLOAD_DIR = str(_tmp / "uploads")


def _reset_schema(app) -> None:
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        _db.drop_all()
    _db.create_all()


@pytest.fixture(scope="session")
def app():
    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        _reset_schema(app)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def empty_all_tables(app) -> None:
    """Delete every row of every table (faster than re-creating the schema)."""
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            if _db.engine.dialect.name == "postgresql":
                # DELETE with foreign-key triggers off is ~20× faster than TRUNCATE of every table
                # (which syncs new files to disk); sequences restart so ids stay predictable.
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                for table in reversed(_db.metadata.sorted_tables):
                    emptied = conn.execute(sa.text(f'DELETE FROM "{table.name}"')).rowcount
                    if emptied and "id" in table.c and table.c.id.primary_key:
                        conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), 1, false)"))
            else:
                conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
                for table in reversed(_db.metadata.sorted_tables):
                    conn.execute(sa.text(f'DELETE FROM "{table.name}"'))
                conn.execute(sa.text("PRAGMA foreign_keys=ON"))


@pytest.fixture(autouse=True)
def _clean_tables(app):
    """Every test starts with empty tables."""
    yield
    empty_all_tables(app)


@pytest.fixture
def ctx(app):
    """An application context with a request context, for calling services directly."""
    with app.test_request_context():
        yield
        _db.session.remove()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """The demo accounts (password ``demo``): admin, manager, rep1–rep3, legal, finance, and departments."""
    from app.core.cli import seed_users

    with app.app_context():
        result = seed_users("demo")
        _db.session.commit()
        ids = {name: u.id for name, u in result.items()}
        _db.session.remove()
    return ids


def log_in(client: Client, username: str, password: str = "demo"):
    client.token = None
    response = client.post("/auth/login", data={"username": username, "password": password})
    client.token = None
    return response


@pytest.fixture
def login_as(app, users):
    """``login_as('rep1')`` returns a new client logged in as that demo account."""

    def _login(username: str) -> Client:
        c = app.test_client()
        response = log_in(c, username)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return c

    return _login


@pytest.fixture
def make_user(app):
    """Create a user with roles (and optional department code); returns its id."""
    from app.auth.models import User

    def _make(username: str, roles=("rep",), password: str = "demo", active: bool = True, **fields) -> int:
        with app.app_context():
            user = User(username=username, active=active, **fields)
            user.roles = roles
            user.set_password(password)
            _db.session.add(user)
            _db.session.commit()
            uid = user.id
            _db.session.remove()
        return uid

    return _make
