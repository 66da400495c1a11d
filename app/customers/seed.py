"""Demo customers: importers of kitchen appliances and LED lighting across Southeast Asia, the Middle East,
Europe, the Americas and Africa, held by rep1–rep3 or lying in the public pool, with contacts and needs."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.registry import seeder
from app.customers.models import Contact, Customer, PoolEvent
from app.extensions import db

# owner, name, local name, country, city, industry, website, source, grade, stage, days since created,
# days idle (since claim), valid days ago (None = not valid), contact (name, title, email, phone, messaging),
# need (category, annual qty, unit, target price, currency, certifications, quality, delivery, priority), tags
CUSTOMERS = [
    ("rep1", "Saigon Home Appliances JSC", "Công ty CP Gia dụng Sài Gòn", "VN", "Ho Chi Minh City", "Retail chain",
     "https://www.saigonhome.vn", "trade_show", "A", "negotiating", 140, 6, 70,
     ("Nguyen Thi Lan", "Purchasing Manager", "lan.nguyen@saigonhome.vn", "+84 28 3822 5566", "Zalo +84 903 221 456"),
     ("Kitchen appliances", "24000", "pcs", "8.40", "USD", "CE, QCVN", "Strix controller, 2-year warranty",
      "FOB Ningbo, 40HQ monthly, 35 days after deposit", "high"), "distributor,vip"),
    ("rep1", "Hanoi Lighting Trading Co., Ltd.", "Công ty TNHH Chiếu sáng Hà Nội", "VN", "Hanoi", "Lighting wholesale",
     "hanoilighting.com.vn", "b2b_platform", "B", "valid", 60, 4, 3,
     ("Tran Van Duc", "Director", "duc.tran@hanoilighting.com.vn", "+84 24 3933 1122", ""),
     ("LED lighting", "300000", "pcs", "0.45", "USD", "CE, RoHS", "Ra>80, 15 000 h lifetime, 2-year warranty",
      "CIF Hai Phong, 2×40HQ per quarter", "high"), "wholesale"),
    ("rep1", "Bangkok Kitchen Mart Co., Ltd.", "บริษัท บางกอก คิทเช่น มาร์ท จำกัด", "TH", "Bangkok", "Retail chain",
     "www.bkkkitchenmart.co.th", "trade_show", "A", "won", 300, 3, 200,
     ("Somchai Prasert", "Category Buyer", "somchai@bkkkitchenmart.co.th", "+66 2 254 8899", "LINE somchai.bkm"),
     ("Kitchen appliances", "12000", "pcs", "22.00", "USD", "TIS, CE", "Thai plug, Thai manual, gift box",
      "CIF Laem Chabang, 60 days", "medium"), "retail,vip"),
    ("rep1", "Siam LED Solutions Co., Ltd.", "", "TH", "Chonburi", "Electrical contractor",
     "https://siamled.co.th", "customs_data", "B", "valid", 45, 9, 12,
     ("Kanya Wong", "Procurement", "kanya@siamled.co.th", "+66 38 123 456", ""),
     ("LED lighting", "8000", "pcs", "8.20", "USD", "TIS, CE, IP65 test report", "IP65, 3-year warranty",
      "FOB Shenzhen, mixed container", "medium"), "project"),
    ("rep1", "Kuala Lumpur Home Living Sdn Bhd", "", "MY", "Kuala Lumpur", "E-commerce",
     "www.klhomeliving.my", "social_media", "C", "lead", 20, 20, None,
     ("Aisyah Rahman", "Sourcing Executive", "aisyah@klhomeliving.my", "+60 3 2161 7788", "WhatsApp +60 12 345 6789"),
     None, "e-commerce"),
    ("rep1", "PT Sinar Terang Elektrik", "", "ID", "Surabaya", "Lighting wholesale", "sinarterang.co.id",
     "b2b_platform", "B", "valid", 90, 12, 40,
     ("Budi Santoso", "Owner", "budi@sinarterang.co.id", "+62 31 534 2211", "WhatsApp +62 812 3456 7890"),
     ("LED lighting", "150000", "pcs", "0.52", "USD", "SNI", "SNI certified, 6500 K", "CFR Surabaya, quarterly",
      "high"), "wholesale"),
    ("rep1", "Manila Appliance Center Inc.", "", "PH", "Manila", "Retail chain", "www.manilaappliance.ph",
     "inbound_inquiry", "C", "lead", 26, 26, None,
     ("Maria Santos", "Buyer", "msantos@manilaappliance.ph", "+63 2 8812 3344", ""), None, ""),
    ("rep1", "Hamburg Haushaltwaren GmbH", "", "DE", "Hamburg", "Department stores", "hamburg-haushalt.de",
     "trade_show", "A", "negotiating", 180, 5, 120,
     ("Jonas Becker", "Head of Buying", "j.becker@hamburg-haushalt.de", "+49 40 3098 7600", ""),
     ("Kitchen appliances", "6000", "pcs", "23.00", "EUR", "CE, GS, LFGB, PFAS-free", "GS mark, German manual",
      "CIF Hamburg, 2 shipments per year", "high"), "eu,department-store"),
    ("rep1", "Brightline Retail Ltd", "", "GB", "Manchester", "Retail chain", "www.brightlineretail.co.uk",
     "referral", "B", "valid", 75, 10, 25,
     ("Oliver Hughes", "Product Manager", "oliver.hughes@brightlineretail.co.uk", "+44 161 496 0123", ""),
     ("LED lighting", "20000", "pcs", "8.90", "GBP", "UKCA, CE", "UGR<19, flicker-free", "CIP Felixstowe, 45 days",
      "medium"), "uk"),
    ("rep1", "Davao Lighting Depot Corp.", "", "PH", "Davao", "Lighting wholesale", "davaolighting.ph",
     "b2b_platform", "B", "valid", 30, 2, 1,
     ("Ramon Cruz", "Purchasing Head", "ramon.cruz@davaolighting.ph", "+63 82 224 1100", "Viber +63 917 555 0123"),
     ("LED lighting", "60000", "pcs", "0.58", "USD", "PS mark (BPS)", "PS mark, 220 V, B22 and E27",
      "CFR Davao, 45 days", "medium"), "wholesale"),
    ("rep1", "Lagos Bright Homes Ltd", "", "NG", "Lagos", "Wholesale", "", "inbound_inquiry", "C", "lead", 24, 24,
     None, ("Chinedu Okafor", "MD", "", "+234 803 555 0101", "WhatsApp +234 803 555 0101"), None, "africa"),

    ("rep2", "Al Noor General Trading LLC", "شركة النور للتجارة العامة", "AE", "Dubai", "General trading",
     "alnoortrading.ae", "trade_show", "A", "won", 400, 2, 300,
     ("Ahmed Al Mansoori", "Purchasing Director", "ahmed@alnoortrading.ae", "+971 4 228 7711",
      "WhatsApp +971 50 123 4567"),
     ("LED lighting", "500000", "pcs", "0.47", "USD", "G-Mark, ESMA", "220–240 V, 2-year warranty",
      "CFR Jebel Ali, monthly", "high"), "vip,re-export"),
    ("rep2", "Riyadh Home Center Co.", "مركز الرياض للمنزل", "SA", "Riyadh", "Retail chain", "www.riyadhhome.sa",
     "b2b_platform", "B", "valid", 50, 7, 6,
     ("Faisal Al Harbi", "Category Manager", "faisal@riyadhhome.sa", "+966 11 463 2200", ""),
     ("Kitchen appliances", "10000", "pcs", "9.50", "USD", "SASO, G-Mark", "SASO IECEE, Arabic packaging",
      "CFR Dammam, 50 days", "high"), "gcc"),
    ("rep2", "Doha Lighting Est.", "", "QA", "Doha", "Electrical contractor", "dohalighting.qa", "customs_data",
     "C", "lead", 15, 15, None, ("Rashid Khan", "Engineer", "rashid@dohalighting.qa", "", ""), None, "project"),
    ("rep2", "Nordic Home Supplies AB", "", "SE", "Gothenburg", "E-commerce", "nordichomesupplies.se",
     "social_media", "B", "valid", 100, 11, 50,
     ("Emma Lindqvist", "Buyer", "emma@nordichomesupplies.se", "+46 31 701 2200", ""),
     ("Kitchen appliances", "3000", "pcs", "31.00", "EUR", "CE, ErP", "Nordic plug, 4-language manual",
      "DAP Gothenburg", "medium"), "eu"),
    ("rep2", "Polska Dom Sp. z o.o.", "", "PL", "Warsaw", "DIY chain", "www.polskadom.pl", "trade_show", "B",
     "negotiating", 130, 8, 90,
     ("Piotr Kowalski", "Import Manager", "p.kowalski@polskadom.pl", "+48 22 555 0199", ""),
     ("LED lighting", "40000", "pcs", "1.85", "EUR", "CE, ErP label", "Polish packaging, EPREL registration",
      "DAP Warsaw by rail", "high"), "eu,diy"),
    ("rep2", "Maison & Jardin SARL", "", "FR", "Lyon", "Garden and home", "maisonetjardin.fr", "referral", "C",
     "lead", 10, 10, None, ("Claire Martin", "Acheteuse", "claire.martin@maisonetjardin.fr", "+33 4 72 00 11 22", ""),
     None, "eu"),
    ("rep2", "Singapore Appliance Hub Pte Ltd", "", "SG", "Singapore", "Distributor", "sgappliancehub.com.sg",
     "b2b_platform", "A", "valid", 35, 5, 2,
     ("Lim Wei Ming", "General Manager", "weiming@sgappliancehub.com.sg", "+65 6221 3344", ""),
     ("Kitchen appliances", "8000", "pcs", "38.00", "USD", "Safety Mark (SPRING)", "UK plug BS1363",
      "CIF Singapore, 30 days", "high"), "distributor"),
    ("rep2", "Penang Electrical Supply Sdn Bhd", "", "MY", "George Town", "Electrical wholesale",
     "penangelectrical.my", "customs_data", "C", "lead", 27, 27, None,
     ("Tan Boon Hock", "Director", "bh.tan@penangelectrical.my", "+60 4 226 1188", ""), None, ""),
    ("rep2", "Hai Phong Kitchenware Co., Ltd.", "Công ty TNHH Đồ bếp Hải Phòng", "VN", "Hai Phong", "Wholesale",
     "haiphongkitchen.vn", "customs_data", "C", "lead", 12, 12, None,
     ("Do Quang Huy", "Import Manager", "huy.do@haiphongkitchen.vn", "+84 225 3745 888", ""), None, ""),
    ("rep2", "Cairo Home Trading Co.", "", "EG", "Cairo", "Wholesale", "", "inbound_inquiry", "C", "lost", 200, 60,
     None, ("Mostafa Hassan", "Owner", "mostafa.hassan@gmail.com", "+20 2 2579 1100", ""), None, ""),
    ("rep2", "Milano Casa S.r.l.", "", "IT", "Milan", "Department stores", "www.milanocasa.it", "trade_show", "B",
     "valid", 80, 13, 33,
     ("Giulia Rossi", "Responsabile Acquisti", "g.rossi@milanocasa.it", "+39 02 8901 2233", ""),
     ("Kitchen appliances", "2500", "pcs", "27.50", "EUR", "CE, LFGB", "Italian design, colour box",
      "CIF Genoa", "low"), "eu"),

    ("rep3", "Tokyo Zakka Trading K.K.", "東京雑貨貿易株式会社", "JP", "Tokyo", "Lifestyle stores",
     "tokyozakka.co.jp", "trade_show", "A", "negotiating", 160, 4, 100,
     ("Sato Yuki", "Buyer", "y.sato@tokyozakka.co.jp", "+81 3 5555 1234", ""),
     ("Kitchen appliances", "5000", "pcs", "2400", "JPY", "PSE", "Japanese plug, 100 V, JIS packaging",
      "CIF Yokohama, 45 days", "high"), "japan"),
    ("rep3", "Seoul Living Co., Ltd.", "서울리빙", "KR", "Seoul", "Home shopping TV", "seoulliving.kr",
     "social_media", "B", "valid", 70, 6, 20,
     ("Kim Min-jun", "MD", "minjun.kim@seoulliving.kr", "+82 2 555 7788", "KakaoTalk minjun_sl"),
     ("Kitchen appliances", "6000", "pcs", "45.00", "USD", "KC", "Korean manual, 220 V", "FOB Shenzhen", "medium"),
     "tv-shopping"),
    ("rep3", "Pacific Coast Importers Inc.", "", "US", "Los Angeles", "Importer", "www.pacificcoastimporters.com",
     "trade_show", "A", "won", 365, 3, 280,
     ("Jennifer Lopez", "VP Sourcing", "jlopez@pacificcoastimporters.com", "+1 213 555 0147", ""),
     ("Kitchen appliances", "20000", "pcs", "11.00", "USD", "UL, ETL, FCC, Prop 65", "UL listed, 120 V",
      "FOB Shenzhen, 40HQ monthly", "high"), "usa,vip"),
    ("rep3", "Lone Star Kitchenware LLC", "", "US", "Houston", "E-commerce", "lonestarkitchenware.com",
     "b2b_platform", "B", "valid", 55, 9, 15,
     ("Mike Johnson", "Owner", "mike@lonestarkitchenware.com", "+1 713 555 0190", ""),
     ("Kitchen appliances", "4000", "pcs", "19.50", "USD", "ETL, FCC", "Amazon-ready packaging, drop test",
      "FOB Ningbo, LCL", "medium"), "usa,amazon"),
    ("rep3", "Mercado Hogar S.A. de C.V.", "", "MX", "Guadalajara", "Retail chain", "mercadohogar.mx",
     "customs_data", "B", "lead", 25, 25, None,
     ("Luis Hernández", "Gerente de Compras", "lhernandez@mercadohogar.mx", "+52 33 3600 1122", ""), None, "latam"),
    ("rep3", "Santos Distribuidora Ltda", "", "BR", "São Paulo", "Distributor", "santosdistribuidora.com.br",
     "trade_show", "C", "lead", 18, 18, None,
     ("Ana Souza", "Compradora", "ana.souza@santosdistribuidora.com.br", "+55 11 3088 4455", ""), None, "latam"),
    ("rep3", "Cape Town Homeware (Pty) Ltd", "", "ZA", "Cape Town", "Retail chain", "capetownhomeware.co.za",
     "referral", "B", "valid", 65, 12, 45,
     ("Thabo Nkosi", "Buyer", "thabo@capetownhomeware.co.za", "+27 21 555 0133", ""),
     ("LED lighting", "25000", "pcs", "0.55", "USD", "SABS, NRCS LOA", "NRCS LOA required, B22 cap",
      "CIF Cape Town", "medium"), "africa"),
    ("rep3", "Toronto Kitchen Depot Inc.", "", "CA", "Toronto", "Retail chain", "torontokitchendepot.ca",
     "inbound_inquiry", "C", "lead", 8, 8, None,
     ("Sarah Chen", "Buyer", "sarah.chen@torontokitchendepot.ca", "+1 416 555 0182", ""), None, "canada"),
    ("rep3", "Minh Phat Trading Co., Ltd", "", "VN", "Da Nang", "Wholesale", "", "b2b_platform", "C", "lead", 5, 5,
     None, ("Le Minh", "Sales Director", "leminh.mp@gmail.com", "+84 236 3822 777", ""), None, ""),

    (None, "Công ty TNHH Minh Phát", "Minh Phát", "VN", "Da Nang", "Wholesale", "", "customs_data", "C", "lead", 120,
     90, None, ("Pham Thu", "Owner", "", "+84 236 3811 000", ""), None, ""),
    (None, "Jakarta Electric Mart", "", "ID", "Jakarta", "Electrical wholesale", "jakartaelectricmart.co.id",
     "customs_data", "C", "lead", 150, 60, None, ("Dewi Lestari", "Purchasing", "dewi@jakartaelectricmart.co.id",
                                                   "+62 21 5790 1234", ""), None, ""),
    (None, "Cebu Home Depot Corp.", "", "PH", "Cebu", "DIY chain", "cebuhomedepot.ph", "b2b_platform", "B", "lead",
     95, 45, None, ("Jose Reyes", "Buyer", "jreyes@cebuhomedepot.ph", "+63 32 255 7788", ""), None, ""),
    (None, "Phnom Penh Appliances Co., Ltd.", "", "KH", "Phnom Penh", "Retail", "", "trade_show", "C", "lead", 130,
     70, None, ("Sok Dara", "Manager", "dara.sok@yahoo.com", "+855 23 990 123", ""), None, ""),
    (None, "Yangon Lighting Co., Ltd.", "", "MM", "Yangon", "Lighting wholesale", "", "customs_data", "C", "lead", 110,
     80, None, ("Aung Kyaw", "Owner", "", "+95 1 255 011", "Viber +95 9 777 000 111"), None, ""),
    (None, "Istanbul Ev Gereçleri A.Ş.", "", "TR", "Istanbul", "Wholesale", "istanbulevgerecleri.com.tr",
     "trade_show", "B", "valid", 210, 40, 160, ("Mehmet Yilmaz", "Satın Alma Müdürü", "mehmet@istanbulevgerecleri.com.tr",
                                                 "+90 212 555 0101", ""),
     ("Kitchen appliances", "5000", "pcs", "12.00", "USD", "CE, TSE", "Turkish manual", "CIF Mersin", "low"), ""),
    (None, "Nairobi Home Supplies Ltd", "", "KE", "Nairobi", "Wholesale", "", "inbound_inquiry", "C", "lead", 100, 50,
     None, ("Grace Wanjiru", "Buyer", "grace@nairobihome.co.ke", "+254 20 555 0100", ""), None, "africa"),
    (None, "Lima Iluminación S.A.C.", "", "PE", "Lima", "Lighting wholesale", "limailuminacion.pe", "customs_data",
     "C", "lead", 140, 75, None, ("Carlos Ruiz", "Gerente", "cruiz@limailuminacion.pe", "+51 1 555 0123", ""),
     None, "latam"),
    (None, "Ho Chi Minh Electrical Supplies", "", "VN", "Ho Chi Minh City", "Electrical wholesale", "", "b2b_platform",
     "C", "lead", 160, 100, None, ("Vo Thanh", "Owner", "", "+84 28 3855 0000", "Zalo +84 909 000 111"), None, ""),
]


@seeder(10)
def seed_customers(users) -> None:
    """About 40 customers with contacts; idempotent by company name."""
    existing = set(db.session.scalars(sa.select(Customer.name)))
    now = utcnow()
    from app.research.models import CustomerNeed

    for (owner, name, local_name, country, city, industry, website, source, grade, stage, age, idle, valid_ago,
         contact, need, tags) in CUSTOMERS:
        if name in existing:
            continue
        owner_user = users.get(owner) if owner else None
        created = now - timedelta(days=age, hours=3)
        claimed = now - timedelta(days=idle, hours=5) if owner_user else None
        customer = Customer(name=name, local_name=local_name, country=country, city=city, industry=industry,
                            website=website, source=source, grade=grade, stage=stage, tags=tags,
                            owner_id=owner_user.id if owner_user else None,
                            created_by_id=owner_user.id if owner_user else None, created_at=created,
                            claimed_at=claimed,
                            valid_at=now - timedelta(days=valid_ago, hours=2) if valid_ago is not None else None)
        cname, title, email, phone, messaging = contact
        customer.contacts.append(Contact(name=cname, title=title, email=email, phone=phone, messaging=messaging,
                                         is_primary=True, created_at=created))
        db.session.add(customer)
        if need:
            category, qty, unit, price, currency, certs, quality, delivery, priority = need
            db.session.add(CustomerNeed(customer=customer, product_category=category, quantity=Decimal(qty),
                                        unit=unit, target_price_amount=Decimal(price), currency=currency,
                                        certifications=certs, quality_requirements=quality,
                                        delivery_requirements=delivery, priority=priority,
                                        created_by_id=owner_user.id if owner_user else None, created_at=created))
        if owner_user is None and idle < age:
            db.session.flush()
            db.session.add(PoolEvent(customer_id=customer.id, kind="recycled", from_owner_id=users["rep2"].id
                                     if "rep2" in users else None, to_owner_id=None,
                                     at=now - timedelta(days=idle)))
    db.session.flush()
