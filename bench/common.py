"""Shared helpers of the benchmarks: the app on the bench database, a logged-in test client,
medians, a SQL query counter and the process's peak RSS."""
import json
import os
import re
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRADEDESK_INSTANCE", str(DATA_DIR / "instance"))

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
PASSWORD = "demo"


def database_url() -> str:
    """BENCH_DATABASE_URL (PostgreSQL) or the SQLite file bench/data/bench.db."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(os.environ.get("BENCH_SQLITE", DATA_DIR / "bench.db")).resolve())


def make_app():
    from app import create_app
    from app.config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url()
        INSTANCE_DIR = DATA_DIR / "instance"
        UPLOAD_DIR = str(DATA_DIR / "instance" / "uploads")
        SECRET_KEY = "bench-secret"
        TESTING = False

    app = create_app(BenchConfig)
    if os.environ.get("BENCH_PATCH_PAGER", "1") == "1":
        _patch_pager(app)
    return app


PAGER_BUG = "{% set _ = args.update("
PAGER_FIX = "{% set _x = args.update("
PATCHES: list[str] = []


def _patch_pager(app) -> None:
    """templates/_macros.html's pager assigns ``_`` (gettext) to None, so every list with more than one
    page answers 500 (see RESULTS.md Findings). Benchmarks measure the page as it will be once fixed: the
    fix is applied to the template source in this process only (no file is changed); PATCHES records it."""
    from jinja2 import BaseLoader

    inner = app.jinja_env.loader

    class Loader(BaseLoader):
        def get_source(self, environment, template):
            source, filename, uptodate = inner.get_source(environment, template)
            if template == "_macros.html" and PAGER_BUG in source:
                if "pager" not in PATCHES:
                    PATCHES.append("pager")
                source = source.replace(PAGER_BUG, PAGER_FIX)
            return source, filename, uptodate

        def list_templates(self):
            return inner.list_templates()

    app.jinja_env.loader = Loader()


def login(app, username: str = "rep1"):
    """A test client logged in through the real login form (CSRF token fetched from the page)."""
    for attempt in range(3):
        client = app.test_client()
        html = client.get("/auth/login").get_data(as_text=True)
        m = TOKEN_RE.search(html)
        token = m.group(1) or m.group(2)
        r = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
        if r.status_code in (302, 303):
            return client
        errors = re.findall(r'role="alert"[^>]*>([^<]+)', r.get_data(as_text=True))
        print(f"login of {username} refused ({r.status_code}): {errors[:3]}; retrying", file=sys.stderr)
        time.sleep(1 + attempt)
    raise AssertionError(f"cannot log in as {username}")


def csrf_token(client, url="/") -> str:
    html = client.get(url).get_data(as_text=True)
    m = TOKEN_RE.search(html)
    return m.group(1) or m.group(2)


def median_ms(fn, n=50, warmup=2):
    for _ in range(warmup):
        fn()
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1000)
    return statistics.median(xs), xs


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def count_queries(engine):
    import sqlalchemy as sa

    box = {"n": 0, "sql": []}

    def before(conn, cursor, statement, parameters, context, executemany):
        box["n"] += 1
        box["sql"].append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield box
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def meta(app) -> dict:
    """What generate.py recorded about the data (scale, counts, ids the benches use)."""
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        try:
            row = db.session.execute(sa.text("SELECT value FROM bench_meta WHERE key = 'meta'")).scalar()
        except Exception:
            row = None
        db.session.rollback()
    return json.loads(row) if row else {}


def floors(path=None) -> dict:
    """Floor figures of this run, written by run.py (bench/data/floor.json); {} if not measured yet."""
    p = Path(path or DATA_DIR / "floor.json")
    return json.loads(p.read_text()) if p.exists() else {}


def emit(result: dict) -> None:
    """Print the result as one JSON line (run.py collects it) and a readable line."""
    result.setdefault("peak_rss_mb", round(peak_rss_mb(), 1))
    result.setdefault("patches", list(PATCHES))
    print("BENCH_RESULT " + json.dumps(result, default=str))
    sys.stdout.flush()
