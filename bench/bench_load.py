"""Load: 50 concurrent users (rep1…rep50, each logged in through the login form), realistic mix — customer
list, customer detail, global search (htmx), home page and its panels (htmx), logging an interaction (form
post) — against gunicorn (4 workers) on PostgreSQL at the bench scale.

Each user thinks 0.5–1.5 s between requests (closed loop). After a 10 s warm-up, three windows of 60 s are
measured back to back; p50/p95/p99 pool all three, and each window's p95 is listed too. Targets: 0 errors, p95
≤ 200 ms, every acknowledged write (a logged interaction answered with a redirect) in the database afterwards,
every worker's peak RSS < 300 MB (VmHWM from /proc).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tradedesk_bench .venv/bin/python bench/bench_load.py
"""
import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_DIR, ROOT, TOKEN_RE, emit  # noqa: E402

PORT = 8765
SEARCH_TERMS = ["Golden", "宁波", "Harbor", "GmbH", "贸易", "john", "Pacific Stone", "QT-2026", "深圳", "Lotus", "zz9"]
HX_GET = re.compile(r'hx-get="([^"]+)"')


class User(threading.Thread):
    def __init__(self, username, customers, stop, record, rnd):
        super().__init__(daemon=True)
        self.username, self.customers, self.stop, self.record, self.rnd = username, customers, stop, record, rnd
        self.cookie = ""
        self.token = ""
        self.conn = None
        self.panels = []
        self.acknowledged = 0   # interaction posts the server answered with a redirect (saved)

    def request(self, method, path, body=None, headers=None, kind=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
            data = r.read()
            status = r.status
            for k, v in r.getheaders():
                if k.lower() == "set-cookie" and v.startswith("session="):
                    self.cookie = v.split(";", 1)[0]
        except Exception as exc:  # connection reset, timeout
            self.conn = None
            status, data = 599, str(exc).encode()
        ms = (time.perf_counter() - t) * 1000
        if kind:
            self.record(kind, status, ms, path)
        return status, data.decode("utf-8", "replace")

    def login(self):
        _s, html = self.request("GET", "/auth/login")
        m = TOKEN_RE.search(html)
        status, _ = self.request("POST", "/auth/login", {"csrf_token": m.group(1) or m.group(2),
                                                         "username": self.username, "password": "demo"})
        assert status in (302, 303), (self.username, status)
        _s, html = self.request("GET", "/")
        m = TOKEN_RE.search(html)
        self.token = m.group(1) or m.group(2) if m else ""
        self.panels = [p for p in HX_GET.findall(html) if not p.startswith("/search")]

    def step(self):
        rnd = self.rnd
        x = rnd.random()
        if x < 0.25:
            page = rnd.choice([1, 1, 1, 2, 3])
            stage = rnd.choice(["", "", "lead", "valid", "won"])
            self.request("GET", f"/customers/?owner=me&stage={stage}&page={page}", kind="customer list")
        elif x < 0.45:
            cid, _contact = rnd.choice(self.customers)
            self.request("GET", f"/customers/{cid}", kind="customer detail")
        elif x < 0.65:
            term = rnd.choice(SEARCH_TERMS)
            self.request("GET", "/search?q=" + quote(term), headers={"HX-Request": "true"}, kind="search (htmx)")
        elif x < 0.75:
            self.request("GET", "/", kind="home page")
        elif x < 0.93:
            if self.panels:
                self.request("GET", rnd.choice(self.panels), headers={"HX-Request": "true"}, kind="home panel (htmx)")
        else:
            cid, contact = rnd.choice(self.customers)
            now = time.strftime("%Y-%m-%dT%H:%M")
            status, _ = self.request("POST", f"/care/customers/{cid}/interactions/new",
                                     {"csrf_token": self.token, "kind": "call", "contact_id": str(contact),
                                      "occurred_at": now, "summary": "Load test call: discussed the price list.",
                                      "next_step": "", "next_follow_up_on": ""}, kind="log interaction (post)")
            if status in (302, 303):
                self.acknowledged += 1

    def run(self):
        self.login()
        while not self.stop.is_set():
            self.step()
            time.sleep(self.rnd.uniform(0.5, 1.5))


def worker_rss(master_pid: int) -> dict[int, float]:
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.M):
            m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            out[int(pid)] = int(m.group(1)) / 1024 if m else 0.0
    return out


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--windows", type=int, default=3,
                        help="measure this many windows of --seconds back to back (the machine is noisy)")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", "")
    assert url.startswith("postgresql"), "the load test runs on PostgreSQL: set BENCH_DATABASE_URL"

    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        customers = defaultdict(list)
        for username, cid, contact in conn.execute(sa.text(
                "SELECT u.username, c.id, min(p.id) FROM customers c JOIN users u ON u.id = c.owner_id "
                "JOIN contacts p ON p.customer_id = c.id WHERE u.username LIKE 'rep%' "
                "GROUP BY u.username, c.id")):
            customers[username].append((cid, contact))
        scale = conn.execute(sa.text("SELECT value FROM bench_meta WHERE key = 'meta'")).scalar()
        n_interactions_before = conn.execute(sa.text("SELECT count(*) FROM interactions")).scalar()
    engine.dispose()
    env = dict(os.environ, TRADEDESK_CONFIG="development", PYTHONPATH=str(ROOT))
    log = open(BENCH_DIR / "data" / "gunicorn.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind",
                               f"127.0.0.1:{PORT}", "--chdir", str(BENCH_DIR), "wsgi_bench:app"],
                              cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/auth/login")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        results = []
        lock = threading.Lock()
        measuring = threading.Event()

        def record(kind, status, ms, path):
            if measuring.is_set():
                with lock:
                    results.append((kind, status, ms, path))

        stop = threading.Event()
        names = [f"rep{i}" for i in range(1, args.users + 1)]
        users = [User(n, customers[n], stop, record, random.Random(i)) for i, n in enumerate(names)]
        for u in users:
            u.start()
            time.sleep(0.05)
        time.sleep(10)            # warm-up: logins, first requests of every worker
        windows = []
        elapsed = 0.0
        for _ in range(args.windows):
            start = len(results)
            measuring.set()
            t0 = time.perf_counter()
            time.sleep(args.seconds)
            measuring.clear()
            elapsed += time.perf_counter() - t0
            with lock:
                windows.append([ms for _k, _s, ms, _p in results[start:]])
        stop.set()
        for u in users:
            u.join(timeout=10)
        rss = worker_rss(server.pid)
        acknowledged = sum(u.acknowledged for u in users)
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT count(*) FROM interactions")).scalar() - n_interactions_before
        engine.dispose()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None

    times = [ms for _k, _s, ms, _p in results]
    errors = [(k, s, p) for k, s, _ms, p in results if s >= 400 or (k == "log interaction (post)" and s not in (302, 303))]
    by_kind = {}
    for kind in sorted({k for k, *_ in results}):
        xs = [ms for k, _s, ms, _p in results if k == kind]
        by_kind[kind] = dict(n=len(xs), median=round(statistics.median(xs), 1), p95=round(pct(xs, 95), 1),
                             errors=sum(1 for k, s, _p in errors if k == kind))
    emit(dict(job="load", users=args.users, workers=args.workers, seconds=round(elapsed, 1), windows=args.windows,
              window_p95=[round(pct(w, 95), 1) for w in windows], window_rps=[round(len(w) / args.seconds, 1)
                                                                             for w in windows],
              acknowledged_writes=acknowledged, writes_found_afterwards=stored, requests=len(results),
              rps=round(len(results) / elapsed, 1), errors=len(errors),
              error_samples=[f"{s} {p}" for _k, s, p in errors[:8]], error_statuses=dict(Counter(s for _k, s, _p in errors)),
              p50=round(pct(times, 50), 1), p95=round(pct(times, 95), 1), p99=round(pct(times, 99), 1),
              by_kind=by_kind, worker_peak_rss_mb={str(k): round(v, 1) for k, v in rss.items()},
              max_worker_rss_mb=round(max(rss.values()), 1) if rss else None,
              data=scale and __import__("json").loads(scale).get("scale"), interactions_before=n_interactions_before))


if __name__ == "__main__":
    main()
