# ruff: noqa
# Verbatim copy of ../shared/floor.py (run.py prefers the shared file when it exists).
"""Floor measurements on this machine: the bare minimum each TradeDesk job could cost.

Run with a venv that has flask, flask-sqlalchemy, docxtpl, python-docx, pandas, openpyxl:
    python ../shared/floor.py
Prints medians; the compass's performance ratios divide TradeDesk's figures by these.
"""
import io, os, random, sqlite3, statistics, tempfile, time
from decimal import Decimal

random.seed(7)
tmp = tempfile.mkdtemp()


def median_ms(fn, n=50):
    fn()
    xs = []
    for _ in range(n):
        t = time.perf_counter(); fn(); xs.append((time.perf_counter() - t) * 1000)
    return statistics.median(xs)


# 1. list page: 100k customers, filter + order + page of 50, rendered by Jinja through Flask
from flask import Flask, render_template_string, request
from flask_sqlalchemy import SQLAlchemy
import sqlalchemy as sa

db_path = os.path.join(tmp, "floor.db")
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + db_path
db = SQLAlchemy(app)


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), index=True)
    country = db.Column(db.String(2), index=True)
    stage = db.Column(db.String(20), index=True)
    owner_id = db.Column(db.Integer, index=True)


TPL = """<table>{% for c in rows %}<tr><td><a href="/customers/{{ c.id }}">{{ c.name }}</a></td><td>{{ c.country }}</td><td>{{ c.stage }}</td></tr>{% endfor %}</table>"""


@app.route("/customers/")
def customers():
    q = sa.select(Customer).where(Customer.owner_id == int(request.args["owner"]), Customer.stage == request.args["stage"]).order_by(Customer.name).limit(50).offset(50)
    return render_template_string(TPL, rows=db.session.scalars(q).all())


with app.app_context():
    db.create_all()
    stages = ["lead", "valid", "negotiating", "won", "lost"]
    db.session.execute(sa.insert(Customer), [dict(name="Customer %06d Co., Ltd." % i, country=random.choice(["VN", "TH", "ID", "DE", "US"]), stage=random.choice(stages), owner_id=random.randint(1, 50)) for i in range(100_000)])
    db.session.commit()
client = app.test_client()
list_ms = median_ms(lambda: client.get("/customers/?owner=7&stage=valid"), 200)
print("floor list page (100k customers, 50 rows, Flask+SQLAlchemy+Jinja in-process): %.2f ms" % list_ms)

# 2. aggregate over 1M sales rows (monthly totals per rep for one month), SQLite
con = sqlite3.connect(os.path.join(tmp, "sales.db"))
con.execute("create table sales(id integer primary key, rep_id int, sold_on text, amount numeric)")
con.executemany("insert into sales(rep_id, sold_on, amount) values (?,?,?)", ((random.randint(1, 50), "20%02d-%02d-%02d" % (random.randint(22, 26), random.randint(1, 12), random.randint(1, 28)), random.randint(100, 100000)) for _ in range(1_000_000)))
con.execute("create index ix_sales_on on sales(sold_on, rep_id)")
con.commit()
agg_ms = median_ms(lambda: con.execute("select rep_id, sum(amount) from sales where sold_on between '2026-10-01' and '2026-10-31' group by rep_id").fetchall(), 20)
print("floor team aggregate (1M sales rows, one month, 50 reps, SQLite): %.2f ms" % agg_ms)
full_ms = median_ms(lambda: con.execute("select substr(sold_on,1,7) m, sum(amount) from sales group by m").fetchall(), 5)
print("floor full monthly series (1M rows, SQLite): %.2f ms" % full_ms)

# 3. docxtpl: 50-line bilingual table
import docx
from docxtpl import DocxTemplate
d = docx.Document()
d.add_paragraph("合同 Contract {{ number }} 买方 Buyer: {{ buyer }}")
t = d.add_table(rows=3, cols=4)
t.rows[0].cells[0].text = "{%tr for l in lines %}"
for i, k in enumerate(["l.name", "l.qty", "l.price", "l.amount"]):
    t.rows[1].cells[i].text = "{{ %s }}" % k
t.rows[2].cells[0].text = "{%tr endfor %}"
d.add_paragraph("合计 Total {{ total }}")
tpl_path = os.path.join(tmp, "t.docx"); d.save(tpl_path)
lines = [dict(name="产品 Product %d" % i, qty=i, price="12.50", amount=str(Decimal("12.50") * i)) for i in range(50)]


def render():
    tpl = DocxTemplate(tpl_path)
    tpl.render(dict(number="SC-2026-0001", buyer="A & B <Ltd>", lines=lines, total="15,937.50"), autoescape=True)
    tpl.save(io.BytesIO())


print("floor docx render (50 lines, docxtpl, autoescape): %.2f ms" % median_ms(render, 30))

# 4. xlsx read of 10k rows
import pandas as pd
df = pd.DataFrame({"公司名称": ["Company %d Ltd" % i for i in range(10_000)], "国家": ["VN"] * 10_000, "邮箱": ["a%d@example.com" % i for i in range(10_000)]})
x = os.path.join(tmp, "leads.xlsx"); df.to_excel(x, index=False)
print("floor xlsx read (10k rows, pandas.read_excel/openpyxl): %.2f ms" % median_ms(lambda: pd.read_excel(x), 5))
