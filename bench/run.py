"""Run the benchmarks and write bench/RESULTS.md (what `make bench` runs).

    .venv/bin/python bench/run.py                     # build the data if needed, floor, every bench
    .venv/bin/python bench/run.py --only search       # one bench (others keep their last results)
    .venv/bin/python bench/run.py --scale 0.01        # a quick check on a small database
    .venv/bin/python bench/run.py --no-load           # skip the PostgreSQL load test

The floors come from ../shared/floor.py (or its copy bench/floor.py), run once per invocation in a
separate process. Every bench runs in its own process, so the peak RSS is that bench's. Results are kept
in bench/data/results.json; RESULTS.md is rebuilt from them with bench/findings.md appended.
"""
import argparse
import json
import os
import platform
import re
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
PY = sys.executable
PG_URL = "postgresql://postgres@127.0.0.1:5432/tradedesk_bench"

FLOOR_LINES = {
    "list": r"floor list page.*?: ([\d.]+) ms",
    "aggregate": r"floor team aggregate.*?: ([\d.]+) ms",
    "full_scan": r"floor full monthly series.*?: ([\d.]+) ms",
    "docx": r"floor docx render.*?: ([\d.]+) ms",
    "xlsx": r"floor xlsx read.*?: ([\d.]+) ms",
}
# bench name: (script, job label, floor key, target ratio (or absolute ms when floor key is None), target text)
BENCHES = {
    "customer_list": ("bench_customer_list.py", "Customer list, owner + stage, page 2 of 50, rep, 100k customers",
                      "list", 2.0, "≤ 2× floor"),
    "scorecard": ("bench_scorecard.py", "Team scorecard, 50 reps, one month, 14 metrics", "aggregate", 6.0,
                  "≤ 6× floor, queries(5 reps) = queries(50 reps)"),
    "analysis": ("bench_analysis.py", "Sales analysis page, 5 years monthly, 1M sales rows", "full_scan", 0.3,
                 "≤ 0.3× floor"),
    "docx": ("bench_docx.py", "Contract .docx, 50 lines", "docx", 1.5, "≤ 1.5× floor"),
    "import": ("bench_import.py", "Lead import check, 10k rows xlsx vs 100k customers", "xlsx", 2.5, "≤ 2.5× floor"),
    "search": ("bench_search.py", "Global search, 100k customers (median of the 34 query × user medians)", None, 50.0,
               "≤ 50 ms median (each query kind)"),
    "load": ("bench_load.py", "Load: 50 users, gunicorn 4 workers, PostgreSQL", None, 200.0,
             "0 errors, p95 ≤ 200 ms, every acknowledged write kept, worker RSS < 300 MB"),
}


def run(cmd, env=None, timeout=3600) -> tuple[str, float]:
    """Run a command, echo its output, return (stdout, peak RSS of the children in MB)."""
    print("$", " ".join(str(c) for c in cmd), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    out = p.stdout
    sys.stdout.write("\n".join(line for line in out.splitlines() if not line.startswith("BENCH_RESULT")) + "\n")
    if p.returncode:
        sys.stdout.write(p.stderr[-4000:])
        raise RuntimeError(f"{cmd[1] if len(cmd) > 1 else cmd} failed with {p.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return out, max(before, after) / 1024


def measure_floor(env) -> dict:
    script = ROOT.parent / "shared" / "floor.py"
    if not script.exists():
        script = BENCH / "floor.py"
    out, rss = run([PY, str(script)], env=env)
    floor = {k: float(re.search(p, out).group(1)) for k, p in FLOOR_LINES.items()}
    floor["script"] = str(script)
    floor["peak_rss_mb"] = round(rss, 1)
    floor["measured_at"] = datetime.now().isoformat(timespec="seconds")
    (DATA / "floor.json").write_text(json.dumps(floor, indent=1))
    return floor


def result_of(out: str) -> dict:
    line = next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))
    return json.loads(line[len("BENCH_RESULT "):])


def verdict(name: str, r: dict, floor: dict):
    """(floor ms, TradeDesk ms, ratio, met?)"""
    script, label, key, target, text = BENCHES[name]
    if name == "load":
        ok = (r["errors"] == 0 and r["p95"] <= target and (r.get("max_worker_rss_mb") or 0) < 300
              and r.get("writes_found_afterwards") == r.get("acknowledged_writes"))
        return None, r["p95"], None, ok
    if name == "search":   # every query kind's median must be within the target, not only the overall median
        return None, r["ms"], None, r["ms"] <= target and r["worst_ms"] <= target and r["worst_http_ms"] <= target
    if key is None:
        return None, r["ms"], None, r["ms"] <= target
    f = floor.get(key)
    ratio = r["ms"] / f if f else None
    ok = ratio is not None and ratio <= target
    if name == "scorecard":
        ok = ok and r["queries_5"] == r["queries_50"]
    return f, r["ms"], ratio, ok


def machine() -> str:
    sqlite_v = sqlite3.sqlite_version
    pg = ""
    try:
        pg = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
                            capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        pass
    mem = ""
    try:
        mem = "%.0f GB RAM" % (int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 2**20)
    except Exception:
        pass
    return (f"nproc {os.cpu_count()}, {mem}, {platform.machine()}, Python {platform.python_version()}, "
            f"SQLite {sqlite_v}" + (f", PostgreSQL {pg}" if pg else ""))


def fmt(x, digits=1, unit=" ms"):
    return "—" if x is None else f"{x:,.{digits}f}{unit}"


def write_results(results: dict, floor: dict, meta: dict) -> None:
    lines = ["# TradeDesk benchmarks", "",
             f"Written by `bench/run.py` (`make bench`) on {datetime.now().strftime('%Y-%m-%d %H:%M')} UTC.", "",
             f"- Machine: {machine()}",
             f"- Data: {describe_data(meta)}",
             f"- Floors: `{Path(floor.get('script', '../shared/floor.py')).name}` run once in this session "
             f"({floor.get('measured_at', '?')}), its peak RSS {fmt(floor.get('peak_rss_mb'), 0, ' MB')}.",
             "- Each figure is the median of repeated runs, in-process with the Flask test client logged in "
             "through the real login form (load: gunicorn over HTTP). Peak RSS is that bench process's "
             "`ru_maxrss` (load: the largest gunicorn worker's VmHWM).", "",
             "| job | floor | TradeDesk | ratio | target | met? | peak RSS |", "|---|---|---|---|---|---|---|"]
    for name, (_script, label, _key, _target, text) in BENCHES.items():
        r = results.get(name)
        if r is None:
            lines.append(f"| {label} | — | not run | — | {text} | — | — |")
            continue
        if r.get("failed"):
            lines.append(f"| {label} | — | **failed**: {r['failed']} | — | {text} | **no** | — |")
            continue
        f, ms, ratio, ok = verdict(name, r, floor)
        if name == "load":
            tradedesk = (f"p95 {fmt(r['p95'])} (windows: {', '.join(fmt(x) for x in r.get('window_p95', []))}), "
                         f"{r['errors']} errors / {r['requests']:,} requests, {r['rps']} req/s, "
                         f"{r.get('writes_found_afterwards')} of {r.get('acknowledged_writes')} acknowledged writes found")
            rss = f"{fmt(r.get('max_worker_rss_mb'), 0, ' MB')} (worker)"
        else:
            tradedesk = fmt(ms, 2)
            rss = fmt(r.get("peak_rss_mb"), 0, " MB")
        if name == "scorecard":
            tradedesk += f" ({r['queries_50']} queries at 50 reps, {r['queries_5']} at 5)"
        if name == "search":
            tradedesk += (f" (GET /search htmx {fmt(r['http_ms'], 1)}; slowest kind: service {fmt(r['worst_ms'], 1)}, "
                          f"HTTP {fmt(r['worst_http_ms'], 1)} — 2-character queries)")
        lines.append(f"| {label} | {fmt(f, 2)} | {tradedesk} | {'—' if ratio is None else f'{ratio:.2f}×'} | {text} | "
                     f"{'yes' if ok else '**no**'} | {rss} |")
    lines += ["", "## Details", ""]
    for name, r in results.items():
        if r.get("failed"):
            continue
        keep = {k: v for k, v in r.items() if k not in ("job", "per_query", "per_query_http", "by_kind")}
        lines.append(f"- **{name}** (run {r.get('ran_at', '?')}, data scale {r.get('scale', '?')}): "
                     + ", ".join(f"{k} = {v}" for k, v in keep.items() if k not in ("ran_at", "scale")))
        if name == "load":
            lines.append("")
            lines.append("  | request | n | median | p95 | errors |")
            lines.append("  |---|---|---|---|---|")
            for kind, v in r["by_kind"].items():
                lines.append(f"  | {kind} | {v['n']} | {v['median']} ms | {v['p95']} ms | {v['errors']} |")
            lines.append("")
        if name == "search":
            lines.append("")
            lines.append("  | query | service ms | hits (per kind ≤ 6) |")
            lines.append("  |---|---|---|")
            for q, v in r["per_query"].items():
                lines.append(f"  | {q} | {v['ms']} | {v['hits']} |")
            lines.append("")
            lines.append("  | query (GET /search, htmx, rep1) | ms |")
            lines.append("  |---|---|")
            for q, v in r["per_query_http"].items():
                lines.append(f"  | {q} | {v} |")
            lines.append("")
    notes = BENCH / "findings.md"
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print("wrote", BENCH / "RESULTS.md")


def describe_data(meta: dict) -> str:
    if not meta:
        return "not built"
    out = []
    for dialect, m in meta.items():
        c = m.get("counts", {})
        out.append(f"{dialect}: scale {m.get('scale')} of SPEC §6 — {c.get('customers', 0):,} customers, "
                   f"{c.get('contacts', 0):,} contacts, {c.get('interactions', 0):,} interactions, "
                   f"{c.get('quotations', 0):,} quotations, {c.get('contracts', 0):,} contracts, "
                   f"{c.get('sales_records', 0):,} sales rows, {c.get('search_entries', 0):,} search entries, "
                   f"50 reps; generated in {m.get('seconds')} s"
                   + (f"; tables skipped (area not built): {', '.join(m['skipped_tables'])}"
                      if m.get("skipped_tables") else ""))
    return "; ".join(out)


def load_meta(env) -> dict:
    code = ("import sys, json; sys.path.insert(0, 'bench'); from common import make_app, meta; "
            "print('META ' + json.dumps(meta(make_app())))")
    p = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    line = next((x for x in p.stdout.splitlines() if x.startswith("META ")), "META {}")
    return json.loads(line[5:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", choices=list(BENCHES), help="run only these benches")
    parser.add_argument("--scale", type=float, default=1.0, help="data scale (fraction of SPEC §6)")
    parser.add_argument("--no-load", action="store_true", help="skip the PostgreSQL load test")
    parser.add_argument("--no-floor", action="store_true", help="reuse bench/data/floor.json")
    parser.add_argument("--load-seconds", type=int, default=60, help="length of each of the three load windows")
    parser.add_argument("--report", action="store_true", help="only rewrite RESULTS.md from the stored results")
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.pop("BENCH_DATABASE_URL", None)
    pg_env = dict(env, BENCH_DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or PG_URL)
    names = args.only or list(BENCHES)
    if args.no_load and "load" in names:
        names.remove("load")

    started = time.perf_counter()
    if args.report:
        names = []
    if any(n != "load" for n in names):
        run([PY, "bench/generate.py", "--scale", str(args.scale)], env=env, timeout=7200)
    if "load" in names and not args.report:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE tradedesk_bench"],
                       capture_output=True)
        run([PY, "bench/generate.py", "--scale", str(args.scale)], env=pg_env, timeout=7200)
    floor = json.loads((DATA / "floor.json").read_text()) if (args.no_floor or args.report) \
        and (DATA / "floor.json").exists() else measure_floor(env)

    store = DATA / "results.json"
    results = json.loads(store.read_text()) if store.exists() else {}
    for name in names:
        script = BENCHES[name][0]
        try:
            extra = ["--seconds", str(args.load_seconds)] if name == "load" else []
            out, _rss = run([PY, f"bench/{script}", *extra], env=pg_env if name == "load" else env, timeout=3600)
            r = result_of(out)
        except Exception as exc:  # keep going: a failing bench is a result too
            r = {"failed": str(exc)[:200]}
        r["ran_at"] = datetime.now().isoformat(timespec="seconds")
        r["scale"] = args.scale
        results[name] = r
        store.write_text(json.dumps(results, indent=1, default=str))
    meta = {}
    m = load_meta(env)
    if m:
        meta["SQLite"] = m
    if "load" in results:
        m = load_meta(pg_env)
        if m:
            meta["PostgreSQL"] = m
    write_results(results, floor, meta)
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
