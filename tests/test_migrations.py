"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app.extensions import db


@pytest.fixture
def fresh_database(app, tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS tradedesk_migrations"))
            conn.execute(sa.text("CREATE DATABASE tradedesk_migrations"))
        target = admin.url.set(database="tradedesk_migrations")
        yield target.render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS tradedesk_migrations WITH (FORCE)"))
        admin.dispose()
    else:
        yield "sqlite:///" + str(tmp_path / "migrated.db")


def test_upgrade_from_empty_matches_the_models(app, fresh_database):
    from app import create_app
    from tests.conftest import Config

    class Migrated(Config):
        SQLALCHEMY_DATABASE_URI = fresh_database

    migrated = create_app(Migrated)
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            from app.home.models import created_by_hand

            context = MigrationContext.configure(conn, opts={
                "compare_type": False,
                "include_object": lambda obj, name, type_, reflected, other: not created_by_hand(name, type_)})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], "Models and migrations differ; run `flask db migrate`:\n" + "\n".join(map(str, diff))
