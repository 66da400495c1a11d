"""Faults: a killed import, a failing Word render, dropped database connections, backup and restore."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _scalar(app, sql, **params):
    with app.app_context():
        value = db.session.execute(sa.text(sql), params).scalar()
        db.session.remove()
    return value


def test_import_killed_mid_insert_leaves_nothing_half_imported(tmp_path):
    rows = 3000
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    child = subprocess.Popen([sys.executable, "-m", "tests.security.killed_import_child", str(tmp_path), str(rows)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        seen = []
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
            if line.startswith("INSERTING"):
                break
        assert seen and seen[-1] == "INSERTING", (seen, child.stderr.read() if child.poll() is not None else "")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    # The customers were inserted when the process died, but never committed: the journal rolls them back.
    con = sqlite3.connect(tmp_path / "killed.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        customers = con.execute("SELECT count(*) FROM customers WHERE name LIKE 'Killed Import %'").fetchone()[0]
        contacts = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
        audit = con.execute("SELECT count(*) FROM audit_log WHERE entity = 'customer'").fetchone()[0]
        status = con.execute("SELECT status FROM customer_imports").fetchone()[0]
    finally:
        con.close()
    assert (customers, contacts, audit) in ((0, 0, 0), (rows, rows, rows))
    assert customers == 0 and status != "done"


def test_failing_document_render_leaves_the_contract_as_it_was(app, world, monkeypatch):
    import app.core.documents as documents

    cid = _scalar(app, "SELECT id FROM contracts WHERE owner_id = :u AND status = 'approved'", u=world.users["rep2"])
    before = (_scalar(app, "SELECT status FROM contracts WHERE id = :c", c=cid),
              _scalar(app, "SELECT count(*) FROM contract_events WHERE contract_id = :c", c=cid),
              _scalar(app, "SELECT count(*) FROM stored_files"),
              _scalar(app, "SELECT sent_at FROM contracts WHERE id = :c", c=cid))
    files_before = sorted(Path(app.config["UPLOAD_DIR"]).rglob("*"))

    def broken(*args, **kwargs):
        raise RuntimeError("the template engine fell over")

    monkeypatch.setattr(documents, "render", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    client = world.client("rep2")
    response = client.post(f"/contracts/{cid}/send")
    assert response.status_code == 500
    assert "出错" in response.get_data(as_text=True) or "went wrong" in response.get_data(as_text=True)
    after = (_scalar(app, "SELECT status FROM contracts WHERE id = :c", c=cid),
             _scalar(app, "SELECT count(*) FROM contract_events WHERE contract_id = :c", c=cid),
             _scalar(app, "SELECT count(*) FROM stored_files"),
             _scalar(app, "SELECT sent_at FROM contracts WHERE id = :c", c=cid))
    assert after == before
    assert sorted(Path(app.config["UPLOAD_DIR"]).rglob("*")) == files_before
    # the same user can carry on, and once rendering works the send goes through
    assert client.get(f"/contracts/{cid}").status_code == 200
    monkeypatch.undo()
    assert client.post(f"/contracts/{cid}/send").status_code == 303
    assert _scalar(app, "SELECT status FROM contracts WHERE id = :c", c=cid) == "sent"


def _drop_connections(app) -> int:
    """Kill the app's database connections behind its back (PostgreSQL: as a server restart does)."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            url = engine.url
            killer = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with killer.connect() as conn:
                killed = conn.execute(sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            killer.dispose()
            return killed
        killed = 0
        for record in list(engine.pool._pool.queue):  # the idle pooled connections
            record.dbapi_connection.close()
            killed += 1
        return killed


def test_app_survives_its_database_connections_dropping(app, world):
    client = world.client("manager")
    for _ in range(3):
        assert client.get("/customers/").status_code == 200
    assert _drop_connections(app) >= 1
    assert client.get("/customers/").status_code == 200
    assert client.get(f"/customers/{world.ids['customer']}").status_code == 200
    assert world.client("owner").post(f"/customers/{world.ids['customer']}/stage",
                                      data={"stage": "lead"}).status_code in (303, 422, 409)


def _customer_names(app) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(sa.text("SELECT name FROM customers")))
        db.session.remove()
    return names


def test_backup_then_restore_brings_the_data_back(app, world, tmp_path):
    runner = app.test_cli_runner()
    original = _customer_names(app)
    result = runner.invoke(args=["backup", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().rsplit(" ", 1)[-1])
    assert path.is_file() and path.parent == tmp_path and path.name.startswith("tradedesk-")
    # the default folder is instance/backups
    default = runner.invoke(args=["backup"])
    assert default.exit_code == 0 and str(Path(app.config["INSTANCE_DIR"]) / "backups") in default.output

    cid = world.ids["customer"]
    with app.app_context():
        db.session.execute(sa.text("UPDATE customers SET name = 'Changed after backup' WHERE id = :c"), {"c": cid})
        db.session.execute(sa.text("DELETE FROM customer_needs"))
        db.session.commit()
    assert "Changed after backup" in _customer_names(app)

    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0 and "Changed after backup" in _customer_names(app)

    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert _customer_names(app) == original
    assert _scalar(app, "SELECT count(*) FROM customer_needs") > 0
    # the app itself carries on with the restored data
    page = world.client("manager").get(f"/customers/{cid}")
    assert page.status_code == 200 and "Changed after backup" not in page.get_data(as_text=True)


def test_restore_refuses_a_file_that_is_not_a_backup(app, world, tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_bytes(b"this is not a database" * 100)
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "Error" in result.output
    assert _scalar(app, "SELECT count(*) FROM customers") > 0
    missing = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nope.dump"), "--yes"])
    assert missing.exit_code != 0 and "No backup file" in missing.output


def test_postgres_backup_without_pg_dump_gives_a_clear_error(app, monkeypatch):
    import app.core.backup as backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with app.app_context():
        with pytest.raises(backup.BackupError, match="pg_dump is not installed"):
            backup._pg_tool("pg_dump")
