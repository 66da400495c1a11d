"""Build the benchmark database at SPEC §6 scale (50 reps over 5 years).

    .venv/bin/python bench/generate.py [--scale 1.0] [--force]

SQLite file bench/data/bench.db by default, PostgreSQL when BENCH_DATABASE_URL is set. Idempotent:
skips when the database was already built at the same scale (table ``bench_meta``). Deterministic
(random.Random(20261127)). Rows are written with bulk ``sa.insert(table)`` executemany in chunks, never
ORM objects; the schema comes from ``db.create_all()`` (its after_create hook creates the search
FTS5/pg_trgm index). Tables of areas that are not built yet are skipped and listed in the meta.
"""
import argparse
import hashlib
import itertools
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from common import database_url, make_app  # noqa: E402

SEED = 20261127
TODAY = date(2026, 11, 27)
START = date(2021, 12, 1)          # five years of history up to today
DAYS = (TODAY - START).days
N_REPS = 50
CHUNK = 20_000
CENT = Decimal("0.01")

# --------------------------------------------------------------------------- vocabulary

ADJ = ["Golden", "Pacific", "Silver", "Royal", "Green", "Blue", "United", "Global", "Eastern", "Western",
       "Northern", "Southern", "Prime", "Grand", "Bright", "Star", "Ocean", "Sun", "Delta", "Alpha", "Nova",
       "Summit", "Crown", "Harbor", "Atlas", "Orient", "Union", "Metro", "Eagle", "Lotus", "Jade", "Phoenix",
       "Apex", "Vertex", "Oasis", "Coral", "Maple", "Cedar", "Falcon", "Tiger"]
NOUN = ["Bridge", "River", "Valley", "Stone", "Field", "Gate", "Point", "Way", "Port", "Line", "Wave", "Peak",
        "Hill", "Land", "Bay", "Rock", "Light", "Wind", "Tree", "Lake", "Coast", "Path", "Forge", "Mill",
        "Tower", "Dragon", "Lion", "Rose", "Pearl", "Cloud"]
TRADE = ["Textiles", "Garments", "Machinery", "Hardware", "Electronics", "Furniture", "Ceramics", "Plastics",
         "Chemicals", "Foods", "Packaging", "Tools", "Lighting", "Auto Parts", "Home Goods", "Sports",
         "Medical Supplies", "Building Materials", "Steel", "Paper", "Toys", "Footwear", "Cosmetics", "Solar"]
INDUSTRIES = ["Textiles", "Machinery", "Hardware", "Electronics", "Furniture", "Ceramics", "Plastics", "Chemicals",
              "Food", "Packaging", "Lighting", "Automotive", "Construction", "Retail", "Wholesale", "Medical"]
# country: weight, name pattern(s) ({x} = the Latin core), cities, phone prefix, local-name kind
COUNTRIES = {
    "VN": (8, ["Cong ty TNHH {x}", "Công ty TNHH {x}", "{x} Co., Ltd.", "{x} Joint Stock Company"],
           ["Ho Chi Minh City", "Hanoi", "Da Nang", "Hai Phong"], "+84", None),
    "TH": (5, ["{x} Co., Ltd.", "{x} Public Company Limited"], ["Bangkok", "Chiang Mai", "Rayong"], "+66", None),
    "ID": (6, ["PT {x}", "PT {x} Tbk", "CV {x}"], ["Jakarta", "Surabaya", "Bandung", "Medan"], "+62", None),
    "MY": (4, ["{x} Sdn. Bhd.", "{x} Sdn Bhd"], ["Kuala Lumpur", "Penang", "Johor Bahru"], "+60", "zh"),
    "SG": (3, ["{x} Pte. Ltd.", "{x} Pte Ltd"], ["Singapore"], "+65", "zh"),
    "HK": (3, ["{x} Trading Co., Ltd.", "{x} Limited"], ["Hong Kong", "Kowloon"], "+852", "zh"),
    "TW": (2, ["{x} Co., Ltd.", "{x} Corporation"], ["Taipei", "Taichung", "Kaohsiung"], "+886", "zh"),
    "CN": (3, ["{x} Trading Co., Ltd.", "{x} Import & Export Co., Ltd."], ["Shenzhen", "Ningbo", "Yiwu"], "+86",
           "zh"),
    "JP": (3, ["{x} K.K.", "{x} Co., Ltd."], ["Tokyo", "Osaka", "Nagoya"], "+81", "ja"),
    "KR": (3, ["{x} Co., Ltd.", "{x} Corporation"], ["Seoul", "Busan", "Incheon"], "+82", "ko"),
    "IN": (5, ["{x} Pvt. Ltd.", "{x} Private Limited", "{x} Exports"], ["Mumbai", "Delhi", "Chennai"], "+91", None),
    "AE": (4, ["{x} Trading LLC", "{x} General Trading L.L.C.", "{x} FZE"], ["Dubai", "Sharjah", "Abu Dhabi"],
           "+971", None),
    "SA": (2, ["{x} Trading Est.", "{x} Co."], ["Riyadh", "Jeddah", "Dammam"], "+966", None),
    "DE": (6, ["{x} GmbH", "{x} GmbH & Co. KG", "{x} AG"], ["Hamburg", "Berlin", "Munich", "Cologne"], "+49", None),
    "FR": (3, ["{x} SARL", "{x} S.A.S.", "{x} S.A."], ["Paris", "Lyon", "Marseille"], "+33", None),
    "IT": (3, ["{x} S.r.l.", "{x} S.p.A."], ["Milan", "Rome", "Turin", "Naples"], "+39", None),
    "ES": (3, ["{x} S.L.", "{x} S.A."], ["Madrid", "Barcelona", "Valencia"], "+34", None),
    "NL": (2, ["{x} B.V.", "{x} N.V."], ["Rotterdam", "Amsterdam"], "+31", None),
    "PL": (2, ["{x} Sp. z o.o.", "{x} S.A."], ["Warsaw", "Gdansk", "Krakow"], "+48", None),
    "RU": (3, ["OOO {x}", "{x} LLC"], ["Moscow", "Saint Petersburg", "Vladivostok"], "+7", None),
    "GB": (4, ["{x} Ltd", "{x} Limited", "{x} PLC"], ["London", "Manchester", "Birmingham"], "+44", None),
    "US": (8, ["{x} Inc.", "{x} LLC", "{x} Corp."], ["Los Angeles", "New York", "Houston", "Miami", "Chicago"], "+1",
           None),
    "CA": (2, ["{x} Inc.", "{x} Ltd."], ["Toronto", "Vancouver", "Montreal"], "+1", None),
    "MX": (3, ["{x} S.A. de C.V.", "{x} S. de R.L."], ["Mexico City", "Guadalajara", "Monterrey"], "+52", None),
    "BR": (4, ["{x} Ltda.", "{x} S.A."], ["Sao Paulo", "Rio de Janeiro", "Curitiba"], "+55", None),
    "AU": (3, ["{x} Pty Ltd", "{x} Pty. Ltd."], ["Sydney", "Melbourne", "Brisbane"], "+61", None),
    "NG": (2, ["{x} Limited", "{x} Nigeria Ltd"], ["Lagos", "Abuja"], "+234", None),
    "ZA": (2, ["{x} (Pty) Ltd", "{x} Pty Ltd"], ["Johannesburg", "Cape Town", "Durban"], "+27", None),
    "TR": (2, ["{x} Ltd. Şti.", "{x} A.Ş."], ["Istanbul", "Izmir", "Ankara"], "+90", None),
    "CL": (1, ["{x} SpA", "{x} Ltda."], ["Santiago", "Valparaiso"], "+56", None),
}
ZH_CITY = ["宁波", "深圳", "广州", "上海", "厦门", "香港", "台北", "义乌", "东莞", "青岛", "吉隆坡", "新加坡", "苏州", "杭州"]
ZH_CORE = ["海天", "华美", "恒通", "金源", "宏达", "永兴", "鑫盛", "瑞丰", "东方", "新世纪", "联合", "中和", "天成", "大华",
           "宝利", "长城", "锦程", "汇丰", "同德", "万通", "嘉禾", "盛世", "百川", "远航", "腾飞", "信达", "富源", "昌隆"]
ZH_FORM = ["贸易有限公司", "进出口有限公司", "实业有限公司", "国际贸易有限公司", "商贸有限公司", "科技有限公司",
           "股份有限公司", "集团有限公司", "商行"]
JA_CORE = ["山田", "日本", "東洋", "大和", "富士", "三和", "北斗", "青葉", "桜井", "中央"]
JA_FORM = ["商事", "物産", "工業", "貿易", "電機"]
KO_CORE = ["대한", "한빛", "미래", "삼성", "동방", "태양", "한국", "새한"]
FIRST = ["John", "Maria", "Anna", "David", "Peter", "Linh", "Minh", "Siti", "Budi", "Ahmed", "Fatima", "Hans", "Julia",
         "Carlos", "Ana", "Luca", "Sofia", "Ivan", "Olga", "Raj", "Priya", "Kenji", "Yuki", "Min-jun", "Ji-woo",
         "Wei", "Mei", "James", "Emma", "Omar", "Paulo", "Marta", "Tom", "Lisa", "Nguyen", "Somchai", "Aisha"]
LAST = ["Smith", "Müller", "Rossi", "Garcia", "Nguyen", "Tran", "Santoso", "Wijaya", "Al-Sayed", "Khan", "Schmidt",
        "Silva", "Costa", "Ivanov", "Petrova", "Sharma", "Patel", "Tanaka", "Suzuki", "Kim", "Park", "Chen", "Wang",
        "Lee", "Brown", "Johnson", "Martin", "Dubois", "Kowalski", "Novak", "Yilmaz", "Okafor", "Mendes"]
ZH_PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐明", "孙丽", "马超", "朱琳",
             "胡斌", "郭强", "何欣", "林峰", "罗敏", "高翔"]
TITLES = ["Purchasing Manager", "Buyer", "CEO", "Owner", "Import Manager", "Sales Director", "Procurement Officer",
          "General Manager", "Logistics Coordinator", "采购经理", "总经理", ""]
SUMMARIES = ["Discussed the new price list and MOQ.", "Sent samples; customer will test next week.",
             "Follow-up call about the pending quotation.", "Met at the Canton Fair booth, interested in {t}.",
             "Customer asked about lead time and payment terms.", "Negotiated the FOB price for {t}.",
             "客户询问{t}的交期和付款方式。", "回访：客户对上批货质量满意。", "发送新产品目录，等待反馈。",
             "Complaint about carton damage handled with the forwarder.", "Video meeting on the annual contract.",
             "WhatsApp chat: confirmed the shipping marks.", "Visited the customer's warehouse."]
PRODUCT_ZH = ["棉质T恤", "不锈钢水壶", "LED灯泡", "办公椅", "陶瓷餐具", "塑料收纳盒", "电动工具", "太阳能板", "汽车滤清器",
              "运动鞋", "瑜伽垫", "纸箱", "硅胶厨具", "蓝牙耳机", "手机壳", "毛绒玩具", "户外帐篷", "保温杯", "化妆刷", "地毯"]
PRODUCT_EN = ["Cotton T-shirt", "Stainless steel kettle", "LED bulb", "Office chair", "Ceramic tableware",
              "Plastic storage box", "Power drill", "Solar panel", "Car oil filter", "Sports shoe", "Yoga mat",
              "Corrugated carton", "Silicone kitchenware", "Bluetooth earphones", "Phone case", "Plush toy",
              "Camping tent", "Vacuum flask", "Makeup brush", "Carpet"]
RATES = {"USD": Decimal("7.10"), "EUR": Decimal("7.75"), "GBP": Decimal("9.00"), "JPY": Decimal("0.0480"),
         "HKD": Decimal("0.910")}


# --------------------------------------------------------------------------- helpers

class Writer:
    """Bulk insert into a table in chunks of CHUNK rows (executemany); unknown tables are skipped."""

    def __init__(self, conn, metadata, skipped: list):
        self.conn, self.metadata, self.skipped = conn, metadata, skipped
        self.counts: dict[str, int] = {}

    def has(self, name: str) -> bool:
        return name in self.metadata.tables

    def put(self, name: str, rows) -> int:
        table = self.metadata.tables.get(name)
        if table is None:
            if name not in self.skipped:
                self.skipped.append(name)
            return 0
        statement = sa.insert(table)
        chunk, n = [], 0
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self.conn.execute(statement, chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            self.conn.execute(statement, chunk)
            n += len(chunk)
        self.counts[name] = self.counts.get(name, 0) + n
        return n


def day(rnd, first: date = START, last: date = TODAY) -> date:
    return first + timedelta(days=rnd.randint(0, (last - first).days))


def moment(rnd, on: date) -> datetime:
    return datetime(on.year, on.month, on.day, rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59))


def month_starts(first: date, last: date) -> list[date]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def q2(value) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def rate_on(currency: str, on: date) -> Decimal:
    """The bench's exchange rate of the month (the same figures are written to exchange_rates)."""
    if currency == "CNY":
        return Decimal(1)
    base = RATES[currency]
    months = (on.year - START.year) * 12 + on.month - START.month
    wobble = Decimal(((months * 37) % 21) - 10) / Decimal(1000)      # ±1 % month to month
    return (base * (1 + wobble)).quantize(Decimal("0.000001"))


# --------------------------------------------------------------------------- the build

def build(app, scale: float) -> dict:
    from app.customers.normalise import domain_key, email_key, name_key
    from app.extensions import db

    rnd = random.Random(SEED)
    n_customers = max(200, int(100_000 * scale))
    n_contacts = int(n_customers * 3)
    n_interactions = int(1_000_000 * scale)
    n_quotations = max(50, int(50_000 * scale))
    n_contracts = max(20, int(20_000 * scale))
    n_sales = int(1_000_000 * scale)
    timings: dict[str, float] = {}
    skipped: list[str] = []
    t0 = time.perf_counter()

    def lap(name):
        nonlocal t0
        timings[name] = round(time.perf_counter() - t0, 1)
        print(f"  {name}: {timings[name]} s", flush=True)
        t0 = time.perf_counter()

    # users: the demo accounts through the app's own seeder, then rep4…rep50 sharing rep1's password hash
    from app.auth.models import User
    from app.core.cli import seed_users

    users = seed_users("demo")
    db.session.commit()
    manager_id, legal_id, finance_id = users["manager"].id, users["legal"].id, users["finance"].id
    sales_dept = users["rep1"].department_id
    hash_ = users["rep1"].password_hash
    conn = db.session.connection()
    next_uid = db.session.scalar(sa.select(sa.func.max(User.id))) + 1
    rep_ids = [users[f"rep{i}"].id for i in (1, 2, 3)]
    extra_users, extra_roles = [], []
    for i in range(4, N_REPS + 1):
        zh = ZH_PEOPLE[i % len(ZH_PEOPLE)]
        extra_users.append(dict(id=next_uid, username=f"rep{i}", full_name=f"Rep {i:02d} {zh}",
                                email=f"rep{i}@example.com", password_hash=hash_, active=True,
                                department_id=sales_dept, session_token=hashlib.md5(str(i).encode()).hexdigest(),
                                created_at=datetime(2021, 11, 1)))
        extra_roles.append(dict(user_id=next_uid, role="rep"))
        rep_ids.append(next_uid)
        next_uid += 1
    w = Writer(conn, db.metadata, skipped)
    w.put("users", extra_users)
    w.put("user_roles", extra_roles)
    dept_ids = [d for (d,) in conn.execute(sa.text("SELECT id FROM departments")).all()]
    # reps differ: a few stars, a long tail
    rep_weight = [rnd.uniform(0.4, 1.6) ** 2 for _ in rep_ids]
    rep_cum = list(itertools.accumulate(rep_weight))   # same draws as weights=, without re-summing
    lap("users")

    # exchange rates: monthly, base CNY
    rates = []
    for m in month_starts(date(2021, 6, 1), TODAY):
        for cur in RATES:
            rates.append(dict(currency=cur, base_currency="CNY", rate=str(rate_on(cur, m)), effective_on=m,
                              created_by_id=finance_id, created_at=datetime.combine(m, datetime.min.time())))
    w.put("exchange_rates", rates)

    # products
    products = []
    n_products = 600
    for i in range(1, n_products + 1):
        k = i % len(PRODUCT_EN)
        products.append(dict(id=i, sku=f"TD-{i:05d}", name_en=f"{PRODUCT_EN[k]} model {i}",
                             name_zh=f"{PRODUCT_ZH[k]} {i}型", hs_code=f"{rnd.randint(3900, 9600)}{rnd.randint(10, 99)}0000",
                             category=TRADE[k % len(TRADE)], unit=rnd.choice(["pcs", "sets", "kg", "cartons"]),
                             moq=str(rnd.choice([100, 500, 1000, 2000])),
                             unit_cost_amount=q2(rnd.uniform(2, 400)), cost_currency="CNY",
                             units_per_carton=rnd.choice([10, 20, 24, 50]), active=True,
                             created_at=datetime(2021, 11, 1), updated_at=datetime(2021, 11, 1), version_id=1))
    w.put("products", products)
    product_price = {p["id"]: Decimal(p["unit_cost_amount"]) / Decimal("6.5") for p in products}
    lap("rates, products")

    # customers: per rep ≈190 held (lead/valid/negotiating, the pool cap is 200), ≈250 won, ≈150 lost;
    # the rest sits in the public pool (公海)
    countries = list(COUNTRIES)
    cweights = [COUNTRIES[c][0] for c in countries]
    per_rep_target = n_customers * 0.295 / N_REPS
    owners: list[int | None] = []
    stages: list[str] = []
    for rid, wt in zip(rep_ids, rep_weight, strict=True):
        share = per_rep_target * (0.6 + 0.4 * wt)
        held = min(int(share * 190 / 590), 195)
        for stage, n in (("lead", held * 40 // 100), ("valid", held * 37 // 100),
                         ("negotiating", held - held * 40 // 100 - held * 37 // 100),
                         ("won", int(share * 250 / 590)), ("lost", int(share * 150 / 590))):
            owners += [rid] * n
            stages += [stage] * n
    while len(owners) < n_customers:
        owners.append(None)
        stages.append(rnd.choices(["lead", "valid", "lost"], [50, 15, 35])[0])
    order = list(range(n_customers))
    rnd.shuffle(order)
    owners = [owners[i] for i in order][:n_customers]
    stages = [stages[i] for i in order][:n_customers]

    cust_rows = []
    cust_country, cust_name, cust_domain = [], [], []
    for i in range(n_customers):
        cid = i + 1
        country = rnd.choices(countries, cweights)[0]
        _w, patterns, cities, _p, local = COUNTRIES[country]
        core = rnd.choice([f"{rnd.choice(ADJ)} {rnd.choice(NOUN)} {rnd.choice(TRADE)}",
                           f"{rnd.choice(ADJ)} {rnd.choice(TRADE)}", f"{rnd.choice(LAST)} & {rnd.choice(LAST)}",
                           f"{rnd.choice(ADJ)}{rnd.choice(NOUN).lower()} {rnd.choice(TRADE)}"])
        if rnd.random() < 0.35:
            core += f" {rnd.randint(1, 999)}"
        name = rnd.choice(patterns).format(x=core)
        local_name = ""
        if local == "zh" or (local is None and rnd.random() < 0.04):
            local_name = f"{rnd.choice(ZH_CITY)}{rnd.choice(ZH_CORE)}{rnd.choice(ZH_CORE)}{rnd.choice(ZH_FORM)}"
        elif local == "ja":
            local_name = f"株式会社{rnd.choice(JA_CORE)}{rnd.choice(JA_FORM)}"
        elif local == "ko":
            local_name = f"주식회사 {rnd.choice(KO_CORE)}{rnd.choice(['무역', '산업', '상사'])}"
        slug = "".join(ch for ch in core.lower() if ch.isascii() and ch.isalnum())[:24] or f"c{cid}"
        website = f"www.{slug}.{rnd.choice(['com', 'net', country.lower(), 'co'])}" if rnd.random() < 0.7 else ""
        created = day(rnd, START, TODAY - timedelta(days=3))
        stage = stages[i]
        owner = owners[i]
        valid_at = moment(rnd, min(TODAY, created + timedelta(days=rnd.randint(3, 120)))) \
            if stage in ("valid", "negotiating", "won") or (stage == "lost" and rnd.random() < 0.4) else None
        cust_rows.append(dict(
            id=cid, name=name, local_name=local_name, name_key=name_key(name), local_name_key=name_key(local_name),
            country=country, city=rnd.choice(cities), address=f"{rnd.randint(1, 999)} {rnd.choice(NOUN)} Road",
            industry=rnd.choice(INDUSTRIES), website=website, domain=domain_key(website),
            source=rnd.choices(["trade_show", "b2b_platform", "customs_data", "social_media", "industry_association",
                                "referral", "inbound_inquiry", "other"], [20, 30, 12, 10, 5, 8, 12, 3])[0],
            grade=rnd.choices("ABC", [15, 35, 50])[0], stage=stage,
            tags=",".join(sorted(rnd.sample(["vip", "oem", "distributor", "retail", "online", "price-sensitive",
                                             "fast-payer", "samples"], rnd.randint(0, 2)))),
            notes="", owner_id=owner, created_by_id=owner or rnd.choice(rep_ids), valid_at=valid_at,
            last_interaction_at=None,
            claimed_at=moment(rnd, created) if owner else None, merged_into_id=None,
            created_at=moment(rnd, created), updated_at=moment(rnd, created), version_id=1))
        cust_country.append(country)
        cust_name.append(name)
        cust_domain.append(cust_rows[-1]["domain"])
    w.put("customers", cust_rows)
    cust_created = [r["created_at"] for r in cust_rows]
    owned_by: dict[int, list[int]] = {r: [] for r in rep_ids}
    for i, o in enumerate(owners):
        if o is not None:
            owned_by[o].append(i + 1)
    won_by = {r: [c for c in owned_by[r] if stages[c - 1] in ("won", "negotiating")] for r in rep_ids}
    del cust_rows
    lap("customers")

    # contacts: 1–5 per customer, 3 on average
    contact_rows, contact_of = [], {}
    pid = 0
    free = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "qq.com", "163.com"]
    counts = [1, 2, 3, 4, 5]
    for i in range(n_customers):
        cid = i + 1
        k = rnd.choices(counts, [15, 20, 30, 20, 15])[0]
        if pid + k > n_contacts and i < n_customers - 1:
            k = 1
        first_pid = pid + 1
        for j in range(k):
            pid += 1
            zh = COUNTRIES[cust_country[i]][4] == "zh" and rnd.random() < 0.5
            if zh:
                name = rnd.choice(ZH_PEOPLE)
                mail_local = f"{rnd.choice(['li', 'wang', 'zhang', 'chen', 'liu'])}{rnd.randint(1, 9999)}"
            else:
                fn, ln = rnd.choice(FIRST), rnd.choice(LAST)
                name = f"{fn} {ln}"
                mail_local = f"{fn}.{ln}".lower().replace("ü", "u").replace("-", "")
            domain = cust_domain[i] if cust_domain[i] and rnd.random() < 0.75 else rnd.choice(free)
            email = email_key(f"{mail_local}{'' if domain == cust_domain[i] else rnd.randint(1, 999)}@{domain}") \
                if rnd.random() < 0.9 else ""
            prefix = COUNTRIES[cust_country[i]][3]
            contact_rows.append(dict(
                id=pid, customer_id=cid, name=name, title=rnd.choice(TITLES), email=email,
                phone=f"{prefix} {rnd.randint(100, 999)} {rnd.randint(1000, 9999)} {rnd.randint(100, 999)}"
                if rnd.random() < 0.8 else "",
                messaging=rnd.choice(["", "", f"WhatsApp {prefix}{rnd.randint(10**8, 10**9)}",
                                      f"WeChat td_{rnd.randint(1000, 99999)}"]),
                is_primary=j == 0, notes="", created_at=cust_created[i]))
        contact_of[cid] = (first_pid, pid)
    w.put("contacts", contact_rows)
    contact_name = {r["id"]: r["name"] for r in contact_rows}
    contact_text = [(r["id"], r["customer_id"], r["name"], r["email"], r["phone"], r["messaging"]) for r in contact_rows]
    del contact_rows
    lap("contacts")

    # interactions: half on the reps' own customers, half anywhere (pool customers were worked before)
    owned_all = [c for lst in owned_by.values() for c in lst]
    kinds = ["call", "email", "meeting", "visit", "messaging", "trade_show"]

    def interactions():
        for iid in range(1, n_interactions + 1):
            cid = rnd.choice(owned_all) if rnd.random() < 0.5 else rnd.randint(1, n_customers)
            owner = owners[cid - 1]
            uid = owner if owner and rnd.random() < 0.9 else rnd.choice(rep_ids)
            on = day(rnd, max(START, cust_created[cid - 1].date()), TODAY)
            at = moment(rnd, on)
            lo, hi = contact_of[cid]
            follow = on + timedelta(days=rnd.randint(3, 30)) if rnd.random() < 0.2 else None
            yield dict(id=iid, customer_id=cid, contact_id=rnd.randint(lo, hi), user_id=uid,
                       kind=rnd.choices(kinds, [30, 35, 8, 7, 18, 2])[0], occurred_at=at,
                       summary=rnd.choice(SUMMARIES).format(t=rnd.choice(TRADE).lower()),
                       next_step="", next_follow_up_on=follow,
                       follow_up_done_at=moment(rnd, follow) if follow and follow < TODAY and rnd.random() < 0.85
                       else None,
                       is_follow_up_visit=owner is not None and rnd.random() < 0.15, created_at=at)

    w.put("interactions", interactions())
    if w.has("interactions"):
        conn.execute(sa.text("UPDATE customers SET last_interaction_at = (SELECT max(occurred_at) FROM interactions "
                             "WHERE interactions.customer_id = customers.id)"))
    lap("interactions")

    # quotations with revisions and lines, negotiations
    qt_rows, rev_rows, line_rows, neg_rows = [], [], [], []
    qt_count: dict[int, int] = {}
    rev_id = line_id = 0
    statuses = ["draft", "pending_approval", "approved", "sent", "accepted", "rejected", "expired"]
    for qid in range(1, n_quotations + 1):
        rid = rnd.choices(rep_ids, cum_weights=rep_cum)[0]
        pool = owned_by[rid] or owned_all
        cid = rnd.choice(pool)
        created = day(rnd, max(START, cust_created[cid - 1].date()), TODAY)
        qt_count[created.year] = qt_count.get(created.year, 0) + 1
        status = rnd.choices(statuses, [5, 2, 3, 40, 20, 15, 15])[0]
        if created > TODAY - timedelta(days=20) and status in ("expired",):
            status = "sent"
        n_rev = rnd.choices([1, 2, 3], [60, 30, 10])[0]
        currency = rnd.choices(["USD", "EUR", "CNY", "GBP"], [70, 15, 10, 5])[0]
        sent = status not in ("draft", "pending_approval", "approved")
        lo, hi = contact_of[cid]
        for r in range(1, n_rev + 1):
            rev_id += 1
            quoted = min(TODAY, created + timedelta(days=(r - 1) * rnd.randint(3, 12)))
            goods = Decimal(0)
            for pos in range(1, rnd.randint(1, 5) + 1):
                line_id += 1
                prod = rnd.randint(1, n_products)
                qty = rnd.choice([100, 200, 500, 1000, 2000, 5000])
                price = (product_price[prod] * Decimal(rnd.uniform(1.1, 1.5))).quantize(Decimal("0.0001"))
                amount = (price * qty).quantize(CENT)
                goods += amount
                line_rows.append(dict(id=line_id, revision_id=rev_id, position=pos, product_id=prod,
                                      description_en=PRODUCT_EN[prod % 20], description_zh=PRODUCT_ZH[prod % 20],
                                      quantity=str(qty), unit="pcs", unit_price_amount=str(price),
                                      line_amount=str(amount), unit_cost_amount=q2(product_price[prod] * Decimal("6.5")),
                                      margin_percent=q2(rnd.uniform(5, 35)),
                                      price_index=q2(rnd.uniform(0.85, 1.2)) if rnd.random() < 0.6 else None))
            rsent = sent or r < n_rev
            rev_rows.append(dict(id=rev_id, quotation_id=qid, revision_no=r, quoted_on=quoted, currency=currency,
                                 incoterm=rnd.choice(["FOB", "CIF", "EXW", "CFR", "DAP"]), named_place="Ningbo",
                                 transport_mode="sea", valid_until_on=quoted + timedelta(days=30),
                                 payment_terms=rnd.choice(["tt", "lc", "dp"]), lead_time_days=rnd.choice([15, 30, 45]),
                                 freight_amount="0", insurance_amount="0", goods_amount=str(goods),
                                 total_amount=str(goods), exchange_rate=str(rate_on(currency, quoted)),
                                 margin_percent=q2(rnd.uniform(8, 30)), min_margin_percent="10",
                                 below_floor=False, remarks="", sent_at=moment(rnd, quoted) if rsent else None,
                                 sent_on=quoted if rsent else None, created_by_id=rid, created_at=moment(rnd, quoted)))
        last_quoted = rev_rows[-1]["quoted_on"]
        if status == "sent" and last_quoted + timedelta(days=30) < TODAY:
            status = "expired"    # what pricing.services.expire_due would have done long ago
        qt_rows.append(dict(id=qid, number=f"QT-{created.year}-{qt_count[created.year]:04d}", customer_id=cid,
                            contact_id=lo, owner_id=rid, status=status, current_revision_no=n_rev,
                            sent_at=rev_rows[-1]["sent_at"], sent_on=rev_rows[-1]["sent_on"],
                            valid_until_on=last_quoted + timedelta(days=30),
                            accepted_at=moment(rnd, min(TODAY, last_quoted + timedelta(days=5)))
                            if status == "accepted" else None,
                            accepted_revision_no=n_rev if status == "accepted" else None,
                            rejected_at=moment(rnd, min(TODAY, last_quoted + timedelta(days=7)))
                            if status == "rejected" else None,
                            expired_on=last_quoted + timedelta(days=31) if status == "expired" else None,
                            created_at=moment(rnd, created), updated_at=moment(rnd, last_quoted), version_id=1))
        if status in ("sent", "accepted", "rejected") and rnd.random() < 0.45:
            nstatus = {"accepted": "won", "rejected": "lost"}.get(status, "open")
            neg_rows.append(dict(id=len(neg_rows) + 1, customer_id=cid, quotation_id=qid, owner_id=rid, status=nstatus,
                                 opened_on=last_quoted,
                                 closed_on=min(TODAY, last_quoted + timedelta(days=rnd.randint(3, 40)))
                                 if nstatus != "open" else None,
                                 won_price_amount=rev_rows[-1]["total_amount"] if nstatus == "won" else None,
                                 currency=currency,
                                 lost_reason=rnd.choice(["price", "quality", "delivery", "competitor"])
                                 if nstatus == "lost" else "", outcome_note="",
                                 created_at=moment(rnd, last_quoted), updated_at=moment(rnd, last_quoted),
                                 version_id=1))
    w.put("quotations", qt_rows)
    w.put("quotation_revisions", rev_rows)
    w.put("quotation_lines", line_rows)
    w.put("negotiations", neg_rows)
    quotation_text = [(r["id"], r["number"], r["customer_id"], r["owner_id"]) for r in qt_rows]
    del qt_rows, rev_rows, line_rows, neg_rows
    lap("quotations")

    # contracts: one version each (10 % amended: two), 1–8 lines, compliance reviews; the sales records of
    # the signed ones are written below exactly as reports.services.sync_contract_sales would
    ct_rows, ver_rows, cl_rows, review_rows = [], [], [], []
    ct_count: dict[int, int] = {}
    ver_id = cl_id = 0
    ct_statuses = ["draft", "in_review", "returned", "approved", "sent", "signed", "amended", "closed", "cancelled"]
    signed_sales = []
    doc_contract_id = None
    for ctid in range(1, n_contracts + 1):
        rid = rnd.choices(rep_ids, cum_weights=rep_cum)[0]
        cid = rnd.choice(won_by[rid] or owned_by[rid] or owned_all)
        created = day(rnd, max(START, cust_created[cid - 1].date()), TODAY - timedelta(days=2))
        ct_count[created.year] = ct_count.get(created.year, 0) + 1
        status = rnd.choices(ct_statuses, [4, 3, 1, 2, 3, 45, 3, 32, 7])[0]
        if ctid == n_contracts:   # the docx benchmark's contract: a draft of 50 lines, rendered on each download
            status, doc_contract_id = "draft", ctid
        currency = rnd.choices(["USD", "EUR", "CNY", "GBP"], [72, 15, 8, 5])[0]
        is_signed = status in ("signed", "amended", "closed")
        submitted = moment(rnd, created) if status != "draft" else None
        signed_on = min(TODAY, created + timedelta(days=rnd.randint(1, 12))) if is_signed else None
        n_ver = 2 if status == "amended" or (is_signed and rnd.random() < 0.08) else 1
        total = Decimal(0)
        lo, hi = contact_of[cid]
        for vno in range(1, n_ver + 1):
            ver_id += 1
            vtotal = Decimal(0)
            n_lines = 50 if ctid == doc_contract_id else rnd.randint(1, 8)
            for pos in range(1, n_lines + 1):
                cl_id += 1
                prod = rnd.randint(1, n_products)
                qty = Decimal(rnd.choice([100, 300, 500, 1000, 3000]))
                price = (product_price[prod] * Decimal(rnd.uniform(1.1, 1.4))).quantize(Decimal("0.0001"))
                amount = (price * qty).quantize(CENT)
                vtotal += amount
                cl_rows.append(dict(id=cl_id, version_id=ver_id, position=pos, product_id=prod,
                                    hs_code=products[prod - 1]["hs_code"],
                                    description_en=f"{PRODUCT_EN[prod % 20]} & accessories <{pos}>",
                                    description_zh=f"{PRODUCT_ZH[prod % 20]}及配件", quantity=str(qty), unit="pcs",
                                    unit_price_amount=str(price), line_amount=str(amount)))
            vstatus = ("superseded" if vno < n_ver else
                       {"amended": "draft", "closed": "signed"}.get(status, status))
            ver_rows.append(dict(
                id=ver_id, contract_id=ctid, version_no=vno, status=vstatus, contract_on=created,
                seller_name_en="TradeDesk Demo Trading Co., Ltd.", seller_name_zh="示例进出口贸易有限公司",
                seller_address_en="No. 1 Trade Road, Ningbo", seller_address_zh="中国浙江省宁波市贸易路1号",
                seller_contact="sales@example.com", seller_bank="Bank of China, Ningbo Branch",
                buyer_name=cust_name[cid - 1], buyer_address="1 Harbour Road", buyer_country=cust_country[cid - 1],
                buyer_contact=contact_name[lo], buyer_email="", buyer_phone="", currency=currency,
                incoterm=rnd.choice(["FOB", "CIF", "CFR"]), named_place="Ningbo", transport_mode="sea",
                port_of_loading="Ningbo", port_of_destination="Ho Chi Minh City",
                latest_shipment_on=created + timedelta(days=45), partial_shipment=False, transshipment=True,
                more_or_less_percent="5", payment_terms="tt", deposit_percent="30", payment_days=30,
                insurance_coverage="", packing_en="Export cartons", packing_zh="出口纸箱", shipping_marks="N/M",
                documents_required="invoice,packing_list,bl", inspection_en="Seller's inspection",
                inspection_zh="卖方检验", force_majeure_en="Standard force majeure clause.",
                force_majeure_zh="标准不可抗力条款。", arbitration_en="CIETAC, Shanghai", arbitration_zh="中国国际经济贸易仲裁委员会",
                governing_law_en="PRC law", governing_law_zh="中华人民共和国法律",
                language_clause_en="English and Chinese, equally valid.", language_clause_zh="中英文具有同等效力。",
                remarks="", total_amount=str(vtotal), amendment_kind="customer_request" if vno > 1 else "",
                amendment_reason="Quantity change" if vno > 1 else "", created_by_id=rid,
                created_at=moment(rnd, created), updated_at=moment(rnd, created),
                sent_at=moment(rnd, created) if is_signed or status == "sent" else None,
                signed_on=signed_on if is_signed and vstatus in ("signed", "superseded") else None,
                version_id=1))
            total = vtotal if vno == 1 or status != "amended" else total
        rate = rate_on(currency, signed_on) if is_signed else None
        ct_rows.append(dict(
            id=ctid, number=f"SC-{created.year}-{ct_count[created.year]:04d}", customer_id=cid, contact_id=lo,
            owner_id=rid, status=status, currency=currency, exchange_rate=str(rate) if rate else None,
            total_amount=str(total), quotation_id=None, current_version_no=n_ver,
            first_submitted_at=submitted, submitted_at=submitted,
            sent_at=moment(rnd, created) if is_signed or status == "sent" else None, signed_on=signed_on,
            signed_at=moment(rnd, signed_on) if signed_on else None,
            closed_on=min(TODAY, signed_on + timedelta(days=60)) if status == "closed" else None,
            cancelled_at=moment(rnd, created) if status == "cancelled" else None, cancel_reason="",
            created_at=moment(rnd, created), updated_at=moment(rnd, created), version_id=1))
        if submitted:
            passed_first = rnd.random() < 0.8
            review_rows.append(dict(contract_id=ctid, version_no=1, reviewer_id=legal_id,
                                    reviewed_at=submitted + timedelta(hours=rnd.randint(2, 48)),
                                    passed=passed_first or status == "returned" and False, comments="",
                                    is_first_review=True, results={}, item_comments={}, content_digest=""))
            if not passed_first and status not in ("returned", "in_review"):
                review_rows.append(dict(contract_id=ctid, version_no=1, reviewer_id=legal_id,
                                        reviewed_at=submitted + timedelta(hours=rnd.randint(50, 100)), passed=True,
                                        comments="", is_first_review=False, results={}, item_comments={},
                                        content_digest=""))
        if is_signed:
            signed_sales.append((ctid, signed_on, cid, rid, currency, rate, total))
    w.put("contracts", ct_rows)
    w.put("contract_versions", ver_rows)
    w.put("contract_lines", cl_rows)
    w.put("compliance_reviews", review_rows)
    contract_text = [(r["id"], r["number"], r["customer_id"], r["owner_id"]) for r in ct_rows]
    del ct_rows, ver_rows, cl_rows, review_rows
    lap("contracts")

    # sales records: the signed contracts, the rest imported history
    def sales():
        sid = 0
        for ctid, signed_on, cid, rid, currency, rate, total in signed_sales:
            sid += 1
            yield dict(id=sid, sold_on=signed_on, customer_id=cid, customer_name=cust_name[cid - 1],
                       country=cust_country[cid - 1].upper(), product_id=None, product_name="", quantity=None,
                       amount=str(total), currency=currency, exchange_rate=str(rate),
                       base_amount=str((total * rate).quantize(CENT, rounding=ROUND_HALF_UP)), owner_id=rid,
                       source="contract", contract_id=ctid, import_id=None, row_key="",
                       created_at=moment(rnd, signed_on))
        while sid < n_sales:
            sid += 1
            rid = rnd.choices(rep_ids, cum_weights=rep_cum)[0]
            cid = rnd.choice(owned_by[rid]) if owned_by[rid] and rnd.random() < 0.8 else rnd.randint(1, n_customers)
            on = day(rnd)
            prod = rnd.randint(1, n_products)
            currency = rnd.choices(["USD", "EUR", "CNY", "GBP"], [72, 15, 8, 5])[0]
            qty = rnd.choice([50, 100, 200, 500, 1000, 2000])
            amount = (product_price[prod] * Decimal(rnd.uniform(1.1, 1.4)) * qty).quantize(CENT)
            rate = rate_on(currency, on)
            yield dict(id=sid, sold_on=on, customer_id=cid, customer_name=cust_name[cid - 1],
                       country=cust_country[cid - 1], product_id=prod, product_name=products[prod - 1]["name_en"],
                       quantity=str(qty), amount=str(amount), currency=currency, exchange_rate=str(rate),
                       base_amount=str((amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)), owner_id=rid,
                       source="import", contract_id=None, import_id=None,
                       row_key=hashlib.sha1(str(sid).encode()).hexdigest(), created_at=moment(rnd, on))

    w.put("sales_records", sales())
    lap("sales records")
    if w.has("sales_monthly"):
        from app.reports.services import rebuild_monthly

        rebuild_monthly()
        lap("sales monthly summary")

    # the other areas' records the scorecard counts (smaller, per rep and month)
    months = month_starts(START, TODAY)
    surveys, targets, plans, tasks, reports, ntargets = [], [], [], [], [], []
    for rid in rep_ids:
        cands = owned_by[rid] or owned_all
        for m in months:
            last = (date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1))
            for _ in range(max(1, int(7 * scale ** 0.5))):
                cid = rnd.choice(cands)
                sent = day(rnd, m, min(last, TODAY))
                answered = moment(rnd, min(TODAY, sent + timedelta(days=rnd.randint(0, 10)))) \
                    if rnd.random() < 0.7 else None
                surveys.append(dict(customer_id=cid, contact_id=contact_of[cid][0], created_by_id=rid,
                                    token_hash=hashlib.sha256(f"{rid}-{m}-{len(surveys)}".encode()).hexdigest(),
                                    created_at=moment(rnd, sent), expires_at=moment(rnd, sent + timedelta(days=30)),
                                    answered_at=answered, answer_locale="en" if answered else "",
                                    overall=rnd.choices([1, 2, 3, 4, 5], [3, 5, 12, 40, 40])[0] if answered else None,
                                    comments=""))
            targets.append(dict(user_id=rid, year=m.year, month=m.month, quarter=None,
                                target_amount=q2(rnd.uniform(150_000, 900_000)), currency="CNY",
                                new_customer_target=rnd.choice([5, 8, 10, 12]), updated_by_id=manager_id,
                                created_at=datetime(m.year, m.month, 1), updated_at=datetime(m.year, m.month, 1),
                                version_id=1))
            pid_ = len(plans) + 1
            plans.append(dict(id=pid_, owner_id=rid, kind="monthly", year=m.year, month=m.month, quarter=None,
                              status="approved" if m < TODAY.replace(day=1) else "submitted",
                              strategy="Focus on key accounts; follow up open quotations.", markets="VN, TH, ID",
                              created_at=datetime(m.year, m.month, 1), updated_at=datetime(m.year, m.month, 1),
                              version_id=1))
            for t in range(5):
                due = day(rnd, m, last)
                st = rnd.choices(["open", "done", "cancelled"], [10, 85, 5])[0] if due < TODAY else "open"
                tasks.append(dict(plan_id=pid_, owner_id=rid, title=f"Task {t + 1}: visit key accounts", due_on=due,
                                  status=st, done_on=due - timedelta(days=rnd.randint(-3, 5)) if st == "done" else None,
                                  created_at=datetime(m.year, m.month, 1)))
            if m < TODAY.replace(day=1):
                deadline = date(last.year + (last.month == 12), last.month % 12 + 1, 7)
                sub = moment(rnd, deadline - timedelta(days=rnd.randint(-3, 6)))
                reports.append(dict(owner_id=rid, year=m.year, month=m.month,
                                    status=rnd.choices(["approved", "submitted", "correction_requested"], [85, 10, 5])[0],
                                    analysis="Sales grew in VN.", suggestions="More trade shows.", figures={},
                                    deadline_on=deadline, first_submitted_at=sub, submitted_at=sub,
                                    correction_requested=False, created_at=sub, updated_at=sub, version_id=1))
            if m.month in (1, 4, 7, 10):
                ntargets.append(dict(user_id=rid, year=m.year, quarter=(m.month - 1) // 3 + 1,
                                     won_target=rnd.choice([3, 5, 8])))
    w.put("satisfaction_surveys", surveys)
    w.put("sales_targets", targets)
    w.put("sales_plans", plans)
    w.put("plan_tasks", tasks)
    w.put("monthly_reports", reports)
    w.put("negotiation_targets", ntargets)
    del surveys, targets, plans, tasks, reports

    research = []
    for _ in range(int(max(60, 2000 * scale))):
        rid = rnd.choice(rep_ids)
        end = day(rnd)
        reviewed = moment(rnd, min(TODAY, end + timedelta(days=5))) if rnd.random() < 0.8 else None
        research.append(dict(owner_id=rid, title=f"Market report {rnd.choice(countries)} {rnd.choice(TRADE)}",
                             markets=rnd.choice(countries), industry=rnd.choice(INDUSTRIES),
                             period_start_on=end - timedelta(days=90), period_end_on=end, sources="Customs data",
                             findings="Demand grows.", competitor_analysis="", opportunities="",
                             status="reviewed" if reviewed else "submitted", submitted_at=moment(rnd, end),
                             accuracy_score=rnd.randint(2, 5) if reviewed else None,
                             usefulness_score=rnd.randint(2, 5) if reviewed else None, reviewed_at=reviewed,
                             reviewed_by_id=manager_id if reviewed else None, created_at=moment(rnd, end),
                             updated_at=moment(rnd, end), version_id=1))
    w.put("research_reports", research)

    meetings, items, requests = [], [], []
    n_meetings = int(max(40, 1500 * scale))
    for mid in range(1, n_meetings + 1):
        on = day(rnd)
        meetings.append(dict(id=mid, title=f"Weekly coordination {on.isoformat()}", starts_at=moment(rnd, on),
                             duration_minutes=60, location="Room 3", organiser_id=manager_id, minutes="Minutes.",
                             decisions="", created_at=moment(rnd, on), updated_at=moment(rnd, on), version_id=1))
        for _ in range(6):
            due = on + timedelta(days=rnd.randint(3, 21))
            st = rnd.choices(["open", "done", "cancelled"], [15, 80, 5])[0] if due < TODAY else "open"
            items.append(dict(meeting_id=mid, owner_id=rnd.choice(rep_ids), department_id=rnd.choice(dept_ids),
                              title="Send the samples to the lab", due_on=due, status=st,
                              done_on=due + timedelta(days=rnd.randint(-5, 3)) if st == "done" else None,
                              created_at=moment(rnd, on)))
    for _ in range(int(max(60, 8000 * scale))):
        on = day(rnd)
        need = on + timedelta(days=rnd.randint(3, 20))
        st = rnd.choices(["requested", "accepted", "fulfilled", "rejected"], [5, 10, 78, 7])[0] \
            if need < TODAY else "requested"
        requests.append(dict(requester_id=rnd.choice(rep_ids), department_id=rnd.choice(dept_ids),
                             kind=rnd.choice(["samples", "shipping_booking", "credit_approval", "other"]),
                             title="Samples for the customer", details="", needed_by_on=need, status=st,
                             fulfilled_on=need + timedelta(days=rnd.randint(-4, 2)) if st == "fulfilled" else None,
                             created_at=moment(rnd, on), updated_at=moment(rnd, on), version_id=1))
    w.put("meetings", meetings)
    w.put("action_items", items)
    w.put("resource_requests", requests)
    complaints = []
    for i in range(int(max(30, 3000 * scale))):
        on = day(rnd)
        cid = rnd.choice(owned_all)
        complaints.append(dict(number=f"CP-{on.year}-{i + 1:05d}", customer_id=cid, owner_id=owners[cid - 1],
                               category=rnd.choice(["quality", "delivery", "documents", "payment", "service"]),
                               severity=rnd.choice(["low", "medium", "high"]),
                               status=rnd.choices(["open", "in_progress", "resolved", "closed"], [5, 5, 20, 70])[0],
                               subject="Carton damage", description="Several cartons arrived damaged.",
                               opened_at=moment(rnd, on), updated_at=moment(rnd, on), version_id=1))
    w.put("complaints", complaints)
    lap("care, plans, research, coordination, reports")

    # the audit log's "create" rows of the audited records (real logs hold many more rows per record)
    def audit():
        for i in range(n_customers):
            yield dict(at=cust_created[i], user_id=owners[i], entity="customer", entity_id=i + 1, action="create")
        for pid_, cid, *_ in contact_text:
            yield dict(at=cust_created[cid - 1], user_id=owners[cid - 1], entity="contact", entity_id=pid_,
                       action="create")
    w.put("audit_log", audit())
    lap("audit log")

    # document counters, so numbers issued during the load test do not collide
    counters = [dict(prefix="QT", year=y, last_value=n) for y, n in qt_count.items()]
    counters += [dict(prefix="SC", year=y, last_value=n) for y, n in ct_count.items()]
    w.put("document_counters", counters)

    # the global search index: what app.home.search's indexers write, in bulk
    build_search_index(conn, w, cust_name, owners, cust_country, contact_text, products, quotation_text,
                       contract_text)
    lap("search index")

    if conn.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                     f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
        conn.execute(sa.text("ANALYZE"))
    else:
        conn.execute(sa.text("ANALYZE"))
    db.session.commit()
    lap("analyze")
    return dict(counts=w.counts, skipped_tables=skipped, timings=timings, doc_contract_id=doc_contract_id,
                rep_ids=rep_ids)


def build_search_index(conn, w, cust_name, owners, cust_country, contact_text, products, quotation_text,
                       contract_text):
    """One row per customer, contact, product, quotation and contract — the same title, subtitle, text,
    owner and parent as app.home.search._customer/_contact/_product/_numbered. On SQLite the FTS5 insert
    trigger is dropped during the load and the index rebuilt once (much faster), then recreated."""
    from app.extensions import db
    from app.home.models import SQLITE_FTS, create_text_index
    from app.home.search import country_names, searchable

    if not w.has("search_entries"):
        return
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.execute(sa.text("DROP TRIGGER IF EXISTS search_entries_ai"))
    customers = conn.execute(sa.text("SELECT id, name, local_name, name_key, domain, city, country, owner_id "
                                     "FROM customers ORDER BY id")).all()

    def entries():
        for cid, name, local, key, domain, city, country, owner in customers:
            yield dict(kind="customer", ref_id=cid, title=name[:300],
                       subtitle=" · ".join(filter(None, [local, country])),
                       text=searchable(" ".join(filter(None, [name, local, key, domain, city, country,
                                                              *country_names(country)]))),
                       owner_id=owner, parent_id=None)
        for pid, cid, name, email, phone, messaging in contact_text:
            yield dict(kind="contact", ref_id=pid, title=name[:300], subtitle=cust_name[cid - 1],
                       text=searchable(" ".join(filter(None, [name, email, phone, messaging]))),
                       owner_id=owners[cid - 1],
                       parent_id=cid)
        for p in products:
            yield dict(kind="product", ref_id=p["id"], title=f"{p['sku']} {p['name_en']}", subtitle=p["name_zh"],
                       text=searchable(" ".join(filter(None, [p["sku"], p["name_en"], p["name_zh"],
                                                              p["hs_code"]]))),
                       owner_id=None, parent_id=None)
        for kind, rows in (("quotation", quotation_text), ("contract", contract_text)):
            for rid, number, cid, owner in rows:
                yield dict(kind=kind, ref_id=rid, title=number, subtitle=cust_name[cid - 1], text=searchable(number),
                           owner_id=owner, parent_id=cid)

    w.put("search_entries", entries())
    if sqlite:
        conn.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        create_text_index(conn)   # recreates the dropped trigger (IF NOT EXISTS)
    assert SQLITE_FTS and db


DERIVED_PREFIXES = ("sales_monthly",)


def schema_drift(engine, metadata) -> tuple[list[str], list[str]]:
    """Tables of the models missing from the database, and columns missing from existing tables."""
    inspector = sa.inspect(engine)
    have = set(inspector.get_table_names())
    tables, columns = [], []
    for table in metadata.sorted_tables:
        if table.name not in have:
            tables.append(table.name)
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        columns += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return tables, columns


def catch_up(app) -> list[str]:
    """The areas keep landing while the bench data exists: create tables and indexes that appeared since the
    build, bring the search entries up to date, and refill the sales summaries (derived from sales_records)
    when one of them is empty."""
    from app.extensions import db

    notes = []
    tables, _columns = schema_drift(db.engine, db.metadata)
    if tables:
        db.create_all()
        notes.append("created tables added after the build (empty): " + ", ".join(tables))
    inspector = sa.inspect(db.engine)
    created = []
    for table in db.metadata.sorted_tables:
        if table.name in tables:
            continue
        have = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in have:
                index.create(db.engine)
                created.append(index.name)
    with db.engine.begin() as conn:
        from app.home.models import create_text_index
        from app.home.search import add_short_terms

        create_text_index(conn)   # hand-made indexes (IF NOT EXISTS)
        stale = conn.execute(sa.text("SELECT 1 FROM search_entries WHERE kind = 'customer' AND text NOT LIKE '%|' "
                                     "LIMIT 1")).first()
        if stale:
            t = time.perf_counter()
            add_short_terms(conn)
            notes.append(f"added the two-character search words in {time.perf_counter() - t:.1f} s")
    if created:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        notes.append("created indexes added after the build: " + ", ".join(created))
    summaries = [t for t in db.metadata.tables if t.startswith("sales_monthly")]
    empty = [t for t in summaries if db.session.execute(sa.text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is None]
    has_sales = db.session.execute(sa.text("SELECT 1 FROM sales_records LIMIT 1")).first() is not None
    if empty and has_sales:
        from app.reports.services import rebuild_monthly

        t = time.perf_counter()
        rebuild_monthly()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        notes.append(f"rebuilt the sales summaries ({', '.join(empty)} were empty) in "
                     f"{time.perf_counter() - t:.1f} s with reports.services.rebuild_monthly()")
    for note in notes:
        print(note)
    return notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of SPEC §6 scale (0.01 for a quick check)")
    parser.add_argument("--force", action="store_true", help="rebuild even when built at this scale")
    args = parser.parse_args(argv)

    url = database_url()
    app = make_app()
    from app.extensions import db

    with app.app_context():
        engine = db.engine
        try:
            built = db.session.execute(sa.text("SELECT value FROM bench_meta WHERE key = 'meta'")).scalar()
        except Exception:
            db.session.rollback()
            built = None
        _tables, missing_columns = schema_drift(engine, db.metadata)
        derived = sorted({c.split(".")[0] for c in missing_columns if c.startswith(DERIVED_PREFIXES)})
        if built and derived and not args.force:
            # summaries derived from sales_records: drop and rebuild them rather than the whole database
            with engine.begin() as conn:
                for table in derived:
                    conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}"'
                                         + (" CASCADE" if engine.dialect.name == "postgresql" else "")))
            print("dropped derived tables whose columns changed: " + ", ".join(derived))
            _tables, missing_columns = schema_drift(engine, db.metadata)
        if missing_columns:
            print("the models have columns the bench database lacks, rebuilding: " + ", ".join(missing_columns))
        if built and json.loads(built).get("scale") == args.scale and json.loads(built).get("complete") \
                and not args.force and not missing_columns:
            print(f"bench database already built at scale {args.scale}: {url.split('@')[-1]}")
            catch_up(app)
            return 0
        print(f"building the bench database at scale {args.scale}: {url.split('@')[-1]}", flush=True)
        started = time.perf_counter()
        db.session.remove()
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            engine.dispose()

            @sa.event.listens_for(engine, "connect")
            def _fast_build(dbapi_connection, record):  # this process only: the build is one transaction
                dbapi_connection.execute("PRAGMA synchronous = OFF")
                dbapi_connection.execute("PRAGMA cache_size = -262144")

            path = Path(url[len("sqlite:///"):])
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        db.create_all()
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR(40) PRIMARY KEY, value TEXT)"))
        info = build(app, args.scale)
        info.update(scale=args.scale, complete=True, seconds=round(time.perf_counter() - started, 1),
                    built_at=datetime.now().isoformat(timespec="seconds"), dialect=engine.dialect.name)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM bench_meta WHERE key = 'meta'"))
            conn.execute(sa.text("INSERT INTO bench_meta (key, value) VALUES ('meta', :v)"), {"v": json.dumps(info)})
        print(f"built in {info['seconds']} s; skipped tables (area not built): {info['skipped_tables'] or 'none'}")
        print(json.dumps(info["counts"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
