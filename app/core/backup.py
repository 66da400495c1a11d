"""Commands: ``flask backup`` and ``flask restore <file>``.

SQLite is copied with its online backup API (consistent while the app keeps running); PostgreSQL is dumped
with ``pg_dump -Fc`` and restored with ``pg_restore --clean``. Backups go to ``instance/backups`` under a
timestamped name unless ``--output`` names another folder.
"""
import os
import shutil
import sqlite3

# Only pg_dump/pg_restore, located with shutil.which and given an argument list (no shell).
import subprocess  # nosec B404
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask, current_app

from app.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _url():
    return db.engine.url


def _sqlite_path() -> Path:
    database = _url().database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory; there is nothing on disk to back up.")
    return Path(database)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def _target(folder: Path, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tradedesk-{_stamp()}{suffix}"
    n = 1
    while path.exists():
        path = folder / f"tradedesk-{_stamp()}-{n}{suffix}"
        n += 1
    return path


def _pg_tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise BackupError(f"{name} is not installed or not on PATH. Install the PostgreSQL client tools "
                          f"(Debian/Ubuntu: apt-get install postgresql-client) and run the command again.")
    return exe


def _pg_args() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore; the password travels in the environment, not argv."""
    url = _url()
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    # cmd is [absolute path of pg_dump/pg_restore, fixed options, connection values]; no shell is involved.
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed (exit {result.returncode}): {result.stderr.strip()[:2000]}")


def default_folder() -> Path:
    return Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path) / "backups"


def backup_database(folder: Path | None = None) -> Path:
    """Write a consistent copy of the database to a new timestamped file and return its path."""
    folder = Path(folder) if folder else default_folder()
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = _sqlite_path()
        target = _target(folder, ".sqlite3")
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    if dialect == "postgresql":
        exe = _pg_tool("pg_dump")
        target = _target(folder, ".dump")
        args, env = _pg_args()
        try:
            _run([exe, "--format=custom", "--no-owner", "--file", str(target), *args], env)
        except BackupError:
            target.unlink(missing_ok=True)
            raise
        return target
    raise BackupError(f"Backups of {dialect} databases are not supported.")


def _check_sqlite_file(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = con.execute("PRAGMA quick_check").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite backup: {exc}") from exc
    if status != "ok" or tables == 0:
        raise BackupError(f"{path} is damaged or empty (quick_check: {status}); nothing was restored.")


def restore_database(path: Path, keep_copy: bool = True) -> Path | None:
    """Replace the database's contents with the backup at ``path``.

    Returns the safety copy of the database as it was before (``keep_copy``), so a wrong restore can be undone.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        _check_sqlite_file(path)
    safety = backup_database(default_folder() / "before-restore") if keep_copy else None
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dst = sqlite3.connect(_sqlite_path())
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif dialect == "postgresql":
        exe = _pg_tool("pg_restore")
        args, env = _pg_args()
        _run([exe, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(path)], env)
    else:
        raise BackupError(f"Restoring {dialect} databases is not supported.")
    return safety


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--output", "output", type=click.Path(file_okay=False), default=None,
                  help="Folder for the backup file (default: instance/backups).")
    def backup_command(output):
        """Back up the database to a timestamped file (SQLite online backup; PostgreSQL pg_dump -Fc)."""
        try:
            path = backup_database(Path(output) if output else None)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Backup written to {path}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="Replace the database without asking.")
    def restore_command(file, yes):
        """Replace the database with a backup made by ``flask backup`` (a safety copy is taken first)."""
        if not yes:
            click.confirm(f"This replaces every record in the database with the contents of {file}. Continue?",
                          abort=True)
        try:
            safety = restore_database(Path(file))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Database restored from {file}. The previous contents were saved to {safety}.")
