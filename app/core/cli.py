"""Commands: flask create-admin, flask seed-demo, flask expire (housekeeping)."""
import click
from flask import Flask

from app.extensions import db

DEMO_USERS = [
    ("admin", "Admin 管理员", {"admin"}, None),
    ("manager", "Wang Li 王丽", {"manager"}, "sales"),
    ("rep1", "Zhang Wei 张伟", {"rep"}, "sales"),
    ("rep2", "Li Na 李娜", {"rep"}, "sales"),
    ("rep3", "Chen Jie 陈杰", {"rep"}, "sales"),
    ("legal", "Zhao Min 赵敏", {"legal"}, "legal"),
    ("finance", "Sun Hui 孙慧", {"finance"}, "finance"),
    ("logistics", "Liu Yang 刘洋", set(), "logistics"),
    ("product", "Huang Lei 黄磊", set(), "product"),
]

DEPARTMENTS = [
    ("sales", "Sales", "销售部"),
    ("marketing", "Marketing", "市场部"),
    ("product", "Product", "产品部"),
    ("finance", "Finance", "财务部"),
    ("logistics", "Logistics", "物流部"),
    ("legal", "Legal", "法务部"),
    ("customer_service", "Customer service", "客服部"),
    ("tech_support", "Technical support", "技术支持部"),
    ("data_analysis", "Data analysis", "数据分析部"),
    ("warehouse", "Warehouse", "仓储部"),
]


def ensure_departments():
    from app.auth.models import Department

    existing = {d.code: d for d in db.session.scalars(db.select(Department))}
    for code, en, zh in DEPARTMENTS:
        if code not in existing:
            existing[code] = Department(code=code, name_en=en, name_zh=zh)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def seed_users(password: str):
    from app.auth.models import User

    departments = ensure_departments()
    users = {}
    for username, full_name, roles, dept in DEMO_USERS:
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=full_name, email=f"{username}@example.com")
            user.roles = roles
            user.set_password(password)
            user.department_id = departments[dept].id if dept else None
            db.session.add(user)
        users[username] = user
    db.session.flush()
    if departments["sales"].head_id is None:
        departments["sales"].head_id = users["manager"].id
    return users


def register(app: Flask) -> None:
    from app.core import backup
    backup.register(app)

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.password_option()
    def create_admin(username, password):
        """Create an administrator account (or give an existing user the admin role)."""
        from app.auth.models import User

        if len(password) < 8:
            raise click.UsageError("The password needs at least 8 characters.")
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is None:
            user = User(username=username)
            db.session.add(user)
        user.roles = user.roles | {"admin"} if user.role_rows else {"admin"}
        user.set_password(password)
        user.active = True
        db.session.commit()
        click.echo(f"Administrator {username} is ready.")

    @app.cli.command("reindex-search")
    def reindex_search():
        """Rebuild the global search index (after a bulk load outside the app)."""
        from app.home.search import reindex

        click.echo(f"{reindex()} records indexed.")

    @app.cli.command("seed-demo")
    @click.option("--password", default="demo", show_default=True, help="Password of every demo account.")
    def seed_demo(password):
        """Create the demo accounts and demo records; running it again changes nothing."""
        from app.core.registry import SEEDERS

        users = seed_users(password)
        for _order, fn in SEEDERS:
            fn(users)
        db.session.commit()
        click.echo("Demo data ready: " + ", ".join(u for u, *_ in DEMO_USERS) + f" (password: {password})")
