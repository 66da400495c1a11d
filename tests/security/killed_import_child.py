"""Child process of test_faults: import a customer list through the real pages into a file database and
announce the moment the customers are inserted but not yet committed (the parent then SIGKILLs us).

Usage: python -m tests.security.killed_import_child <folder> <rows>
"""
import io
import os
import sys
import time

folder, rows = sys.argv[1], int(sys.argv[2])
os.environ["TRADEDESK_INSTANCE"] = folder
os.environ["DATABASE_URL"] = f"sqlite:///{folder}/killed.db"

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from tests.conftest import Client, log_in  # noqa: E402
from tests.security.security_forms import post_forms  # noqa: E402


class ChildConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    UPLOAD_DIR = f"{folder}/uploads"


app = create_app(ChildConfig)
app.test_client_class = Client
with app.app_context():
    db.create_all()
    from app.core.cli import seed_users

    seed_users("demo")
    db.session.commit()

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def _announce(conn, cursor, statement, parameters, context, executemany):
        # Customers are in (uncommitted); the next bulk statement writes their contacts: stop here.
        if statement.lstrip().upper().startswith("INSERT INTO CONTACTS"):
            print("INSERTING", flush=True)
            time.sleep(60)

c = app.test_client()
assert log_in(c, "manager").status_code == 303
csv = "Company,Country,Contact,E-mail\n" + "".join(
    f"Killed Import {i} Ltd,DE,Person {i},p{i}@killed{i}.example\n" for i in range(rows))
r = c.post("/customers/import", data={"file": (io.BytesIO(csv.encode()), "leads.csv")},
           content_type="multipart/form-data")
assert r.status_code == 303, r.status_code
mapping_url = r.location
form = next(f for f in post_forms(c.get(mapping_url).get_data(as_text=True), mapping_url)
            if "owner" in f.fields)
data = form.defaults()
data["owner"] = "pool"
data.pop("csrf_token", None)
r = c.post(mapping_url, data=data)
assert r.status_code == 303, (r.status_code, r.get_data(as_text=True)[:2000])
import_id = mapping_url.rstrip("/").split("/")[-2]
print("RUNNING", flush=True)
r = c.post(f"/customers/import/{import_id}/run")
print("FINISHED", r.status_code, flush=True)
