"""The skeleton every area stands on: login wall, roles, CSRF, locale, numbering, audit, uploads, rates."""
import io
import threading
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import log_in

PUBLIC = {"static", "auth.login", "core.health", "core.set_locale"}


def _sample_url(rule) -> str:
    values = {arg: 1 for arg in rule.arguments}
    for arg, conv in rule._converters.items():
        if conv.__class__.__name__ in ("UnicodeConverter", "PathConverter"):
            values[arg] = "x"
    return rule.build(values)[1]


def test_every_route_but_public_ones_sends_anonymous_users_to_login(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC or getattr(view, "is_public", False):
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.post(url) if method == "POST" else client.open(url, method=method)
            assert response.status_code == 302, (rule.endpoint, method, response.status_code)
            assert "/auth/login" in response.location
            checked += 1
    assert checked > 20


def test_login_logout_and_wrong_password(client, users):
    response = log_in(client, "rep1", "wrong")
    assert response.status_code == 200
    assert "Wrong username or password" in response.get_data(as_text=True) or "用户名或密码错误" in response.get_data(as_text=True)
    assert log_in(client, "rep1").status_code == 303
    assert client.get("/").status_code == 200
    assert client.post("/auth/logout").status_code == 303
    assert client.get("/").status_code == 302


def test_login_is_throttled_after_repeated_failures_and_kept_in_the_database(app, client, users):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        log_in(client, "rep2", "bad")
    other = app.test_client()
    response = log_in(other, "rep2", "demo")
    assert response.status_code == 429
    from app.core.models import LoginAttempt

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) >= app.config["LOGIN_MAX_FAILURES"]


def test_inactive_user_cannot_log_in(client, make_user):
    make_user("gone", active=False)
    response = log_in(client, "gone")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_password_change_needs_the_old_password_and_ends_other_sessions(app, login_as):
    first = login_as("rep1")
    second = login_as("rep1")
    response = first.post("/auth/password", data={"old_password": "nope", "new_password": "newpass123", "confirm": "newpass123"})
    assert response.status_code == 200
    response = first.post("/auth/password", data={"old_password": "demo", "new_password": "newpass123", "confirm": "newpass123"})
    assert response.status_code == 303
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    assert log_in(app.test_client(), "rep1", "newpass123").status_code == 303


def test_session_fixation_session_is_renewed_at_login(app, users):
    c = app.test_client()
    c.get("/auth/login")
    with c.session_transaction() as s:
        s["planted"] = "attacker"
    log_in(c, "rep1")
    with c.session_transaction() as s:
        assert "planted" not in s


def test_post_without_csrf_token_is_rejected(login_as):
    c = login_as("admin")
    response = c.post("/admin/calendar", data={"day": "2027-02-06", "is_working": "1"}, csrf=False)
    assert response.status_code == 400


def test_roles_guard_admin_pages(login_as):
    assert login_as("rep1").get("/admin/users").status_code == 403
    assert login_as("manager").get("/admin/settings").status_code == 403
    assert login_as("admin").get("/admin/users").status_code == 200


def test_admin_creates_user_with_validation_and_user_can_log_in(app, login_as):
    admin = login_as("admin")
    bad = admin.post("/admin/users/new", data={"username": "bad name!", "roles": ["rep"], "password": "x"})
    assert bad.status_code == 200
    page = bad.get_data(as_text=True)
    assert "bad name!" in page
    ok = admin.post("/admin/users/new", data={"username": "rep9", "full_name": "王五", "roles": ["rep", "manager"],
                                              "password": "longpassword", "active": "y", "department_id": "0"})
    assert ok.status_code == 303
    assert log_in(app.test_client(), "rep9", "longpassword").status_code == 303
    dup = admin.post("/admin/users/new", data={"username": "REP9", "roles": ["rep"], "password": "longpassword"})
    assert "taken" in dup.get_data(as_text=True) or "已被占用" in dup.get_data(as_text=True)


def test_admin_deactivates_a_user(app, login_as, users):
    admin = login_as("admin")
    rep = login_as("rep3")
    response = admin.post(f"/admin/users/{users['rep3']}", data={"username": "rep3", "roles": ["rep"], "department_id": "0"})
    assert response.status_code == 303
    assert rep.get("/").status_code == 302
    assert log_in(app.test_client(), "rep3").status_code == 200


def test_locale_switch_changes_the_language_and_is_remembered(app, login_as):
    c = login_as("manager")
    c.post("/locale", data={"locale": "en", "next": "/"})
    assert "Log out" in c.get("/").get_data(as_text=True)
    c.post("/locale", data={"locale": "zh_CN", "next": "/"})
    assert "退出登录" in c.get("/").get_data(as_text=True)
    again = log_in(app.test_client(), "manager")
    assert again.status_code == 303


def test_browser_language_is_the_first_guess(client):
    assert "登录" in client.get("/auth/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "Log in" in client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "登录" in client.get("/auth/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_error_pages_in_both_languages(login_as):
    c = login_as("rep1")
    c.post("/locale", data={"locale": "en"})
    assert "Not found" in c.get("/no/such/page").get_data(as_text=True)
    c.post("/locale", data={"locale": "zh_CN"})
    body = c.get("/no/such/page").get_data(as_text=True)
    assert "未找到" in body


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_production_refuses_default_secret_and_missing_database(monkeypatch):
    from app import create_app
    from app.config import ProductionConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@y/z")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY


def test_htmx_response_carries_flash_messages_out_of_band(app, login_as):
    c = login_as("admin")
    response = c.htmx_post("/admin/calendar", data={"day": "2027-02-06", "is_working": "1", "note": "春节调休"})
    assert response.status_code == 204 or response.status_code == 303
    page = c.htmx_get("/admin/calendar/check?day=2027-02-06")
    assert 'hx-swap-oob="true"' in page.get_data(as_text=True)


def test_document_numbers_are_sequential_per_prefix_and_year(ctx):
    from app.core.numbering import next_number

    assert next_number("QT", 2026) == "QT-2026-0001"
    assert next_number("QT", 2026) == "QT-2026-0002"
    assert next_number("SC", 2026) == "SC-2026-0001"
    assert next_number("QT", 2027) == "QT-2027-0001"
    db.session.rollback()
    assert next_number("QT", 2026) == "QT-2026-0001"


def test_concurrent_numbering_gives_no_duplicates(app):
    from app.core.numbering import next_number

    results, errors = [], []

    def worker():
        for _ in range(10):
            with app.app_context():
                for attempt in range(50):
                    try:
                        results.append(next_number("SC", 2030))
                        db.session.commit()
                        break
                    except sa.exc.OperationalError:
                        db.session.rollback()
                        import time

                        time.sleep(0.01 * (attempt + 1))
                else:
                    errors.append("gave up")
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 80 and len(set(results)) == 80
    assert sorted(results)[-1] == "SC-2030-0080"


def test_audit_log_records_field_changes_with_user(ctx, users):
    from app.auth.models import Department
    from app.core.audit import history
    from app.core.models import AuditLog

    assert AuditLog.__tablename__ == "audit_log"
    # Departments are not audited: only models that opt in write audit rows.
    d = db.session.get(Department, 1)
    d.name_en = "Changed"
    db.session.commit()
    assert history(db.session, "departments", d.id) == []


def test_exchange_rate_in_force_on_a_date_and_missing_rate_is_an_error(ctx):
    from app.core.models import ExchangeRate
    from app.core.rates import MissingRate, rate_on, to_base

    db.session.add_all([
        ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.100000"), effective_on=date(2026, 1, 1)),
        ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.200000"), effective_on=date(2026, 6, 1)),
    ])
    db.session.commit()
    assert rate_on("USD", date(2026, 5, 31)) == Decimal("7.100000")
    assert rate_on("USD", date(2026, 6, 1)) == Decimal("7.200000")
    assert to_base(Decimal("100.00"), "USD", date(2026, 7, 1)) == Decimal("720.00")
    assert to_base(Decimal("100.00"), "CNY", date(2026, 7, 1)) == Decimal("100.00")
    with pytest.raises(MissingRate):
        rate_on("USD", date(2025, 12, 31))
    with pytest.raises(MissingRate):
        rate_on("EUR", date(2026, 7, 1))


def test_decimal_money_round_trips_exactly(ctx):
    from app.core.models import ExchangeRate

    db.session.add(ExchangeRate(currency="JPY", base_currency="CNY", rate=Decimal("0.047123"), effective_on=date(2026, 1, 1)))
    db.session.commit()
    db.session.expire_all()
    row = db.session.scalar(sa.select(ExchangeRate))
    assert isinstance(row.rate, Decimal) and row.rate == Decimal("0.047123")
    with pytest.raises(sa.exc.StatementError, match="never float"):
        row.rate = 0.1
        db.session.flush()
    db.session.rollback()


def _xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "name"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_uploads_are_checked_by_content(ctx):
    from app.core.uploads import UploadError, check_upload

    assert check_upload("leads.xlsx", _xlsx_bytes(), {"xlsx", "csv"}) == "xlsx"
    assert check_upload("leads.csv", "公司,国家\nACME,DE\n".encode("gbk"), {"xlsx", "csv"}) == "csv"
    with pytest.raises(UploadError):
        check_upload("evil.xlsx", b"MZ\x90\x00" + b"\x00" * 100, {"xlsx"})
    with pytest.raises(UploadError):
        check_upload("photo.png", _xlsx_bytes(), {"png"})
    with pytest.raises(UploadError):
        check_upload("run.exe", b"MZ", {"xlsx"})
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(UploadError):
        check_upload("bomb.xlsx", bomb.getvalue(), {"xlsx"})


def test_upload_storage_uses_random_names_inside_the_upload_folder(app, ctx, users):
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from app.core.uploads import UploadError, save_upload, storage

    for crafted in ("../../etc/passwd.xlsx", "C:\\Windows\\passwd.xlsx", ".passwd.xlsx", "pass\nwd.xlsx"):
        with pytest.raises(UploadError):
            save_upload(FileStorage(stream=io.BytesIO(_xlsx_bytes()), filename=crafted), {"xlsx"},
                        user_id=users["rep1"])
    fs = FileStorage(stream=io.BytesIO(_xlsx_bytes()), filename="passwd.xlsx")
    row = save_upload(fs, {"xlsx"}, user_id=users["rep1"])
    db.session.commit()
    assert row.original_name == "passwd.xlsx"
    path = storage()._path(row.storage_key).resolve()
    assert str(path).startswith(str(Path(app.config["UPLOAD_DIR"]).resolve()))
    assert "passwd" not in path.name


def test_uploaded_file_is_served_only_to_authorised_users(app, login_as, users):
    from werkzeug.datastructures import FileStorage

    from app.core.uploads import save_upload

    with app.test_request_context():
        row = save_upload(FileStorage(stream=io.BytesIO(_xlsx_bytes()), filename="a.xlsx"), {"xlsx"},
                          owner_type="nobody", owner_id=1, user_id=users["rep1"])
        db.session.commit()
        file_id = row.id
    assert login_as("rep1").get(f"/files/{file_id}").status_code == 200
    assert login_as("rep2").get(f"/files/{file_id}").status_code == 404
    assert login_as("manager").get(f"/files/{file_id}").status_code == 200


def test_settings_are_validated_and_kept(login_as):
    admin = login_as("admin")
    from app.core.settings import DEFAULTS

    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "CNY" in page
    data = {k: str(v) for k, (_kind, v) in DEFAULTS.items()}
    data["pool_days"] = "abc"
    data["company_name_en"] = "A & B <Ltd>"
    response = admin.post("/admin/settings", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "A &amp; B &lt;Ltd&gt;" in body and "abc" in body
    data["pool_days"] = "45"
    assert admin.post("/admin/settings", data=data).status_code == 303
    assert 'value="45"' in admin.get("/admin/settings").get_data(as_text=True)


def test_calendar_exception_changes_working_days(ctx):
    from app.core.calendar import add_working_days, is_working_day
    from app.core.models import CalendarDay

    assert not is_working_day(date(2027, 2, 6))
    db.session.add(CalendarDay(day=date(2027, 2, 6), is_working=True, note="调休"))
    db.session.commit()
    assert is_working_day(date(2027, 2, 6))
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 6)


def test_notifications_are_private_and_rendered_in_the_readers_language(app, login_as, users):
    from app.core.notify import N_, notify

    with app.app_context():
        notify(users["rep1"], N_("Your plan %(title)s was approved."), link="/plans/", title="季度计划 Q1")
        db.session.commit()
    rep1, rep2 = login_as("rep1"), login_as("rep2")
    rep1.post("/locale", data={"locale": "en"})
    assert "Your plan 季度计划 Q1 was approved." in rep1.get("/notifications").get_data(as_text=True)
    assert "季度计划" not in rep2.get("/notifications").get_data(as_text=True)
    assert rep2.post("/notifications/1/read").status_code == 404
    response = rep1.post("/notifications/1/read")
    assert response.status_code == 303 and response.location.endswith("/plans/")


def test_health_and_cli_seed_is_idempotent(app, runner, client):
    assert client.get("/health").json == {"status": "ok"}
    from app.auth.models import User
    from app.core.models import AuditLog

    first = runner.invoke(args=["seed-demo", "--password", "demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        names = set(db.session.scalars(sa.select(User.username)))
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
                  if t.name not in {AuditLog.__tablename__, "search_entries"}]
    second = runner.invoke(args=["seed-demo", "--password", "demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        again = [db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
                 if t.name not in {AuditLog.__tablename__, "search_entries"}]
    assert {"admin", "manager", "rep1", "rep2", "rep3", "legal", "finance"} <= names
    assert counts == again, "seed-demo added records on its second run"


def test_create_admin_command(app, runner):
    result = runner.invoke(args=["create-admin", "boss"], input="secret-pass\nsecret-pass\n")
    assert result.exit_code == 0, result.output
    assert log_in(app.test_client(), "boss", "secret-pass").status_code == 303


def test_stale_edit_is_refused_and_changes_are_audited_with_their_author(app, users):
    from app.core.audit import history
    from app.core.locking import StaleEdit, ensure_current
    from app.customers.models import Customer

    with app.test_request_context():
        customer = Customer(name="A & B <Ltd>", country="DE", owner_id=users["rep1"])
        db.session.add(customer)
        db.session.commit()
        opened_at = customer.version_id
        customer.city = "Hamburg"
        db.session.commit()
        with pytest.raises(StaleEdit):
            ensure_current(customer, opened_at)
        ensure_current(customer, customer.version_id)
        with pytest.raises(StaleEdit):
            ensure_current(customer, "not a number")
        rows = history(db.session, "customer", customer.id)
        assert [(r.action, r.field, r.old_value, r.new_value) for r in rows][0] == ("update", "city", "", "Hamburg")
        assert rows[-1].action == "create"


def test_notifications_are_also_mailed_when_smtp_is_configured(app, users, monkeypatch):
    import smtplib

    from app.auth.models import User
    from app.core.notify import N_, notify

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert host == "mail.example.com"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.com")
    with app.test_request_context():
        db.session.get(User, users["rep1"]).locale = "zh_CN"
        notify(users["rep1"], N_("Your password has been changed."), link="/")
        db.session.commit()
    assert len(sent) == 1
    assert sent[0]["To"] == "rep1@example.com" and "密码已修改" in sent[0].get_content()


def test_pager_links_to_the_next_and_previous_page(app, login_as, users):
    from app.core.notify import N_, notify

    with app.app_context():
        for _ in range(35):
            notify(users["rep1"], N_("Your password has been changed."))
        db.session.commit()
    rep = login_as("rep1")
    first = rep.get("/notifications").get_data(as_text=True)
    assert 'href="/notifications?page=2"' in first and "下一页" in first
    second = rep.htmx_get("/notifications?page=2").get_data(as_text=True)
    assert 'href="/notifications?page=1"' in second and "上一页" in second and "<html" not in second


def test_every_setting_has_a_label_on_the_settings_page(login_as):
    from app.core.settings import DEFAULTS, LABELS

    assert set(DEFAULTS) == set(LABELS)
    page = login_as("admin").get("/admin/settings").get_data(as_text=True)
    assert "出口退税率" in page


def test_nul_bytes_are_refused_and_lazy_messages_escape_user_text(app, login_as):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    admin = login_as("admin")
    assert admin.post("/admin/calendar", data={"day": "2027-02-06", "is_working": "1", "note": "a\x00b"}).status_code == 400
    with app.test_request_context():
        html = render_template_string("{{ m }}", m=lazy_gettext("User %(name)s saved.", name="<script>x</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
