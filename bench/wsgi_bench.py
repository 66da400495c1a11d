"""gunicorn entry point of the load test: the app on the bench database (BENCH_DATABASE_URL), development
config (DEBUG off), with the same in-process template fix as the in-process benches (see common._patch_pager)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_app  # noqa: E402

app = make_app()
