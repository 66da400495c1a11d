"""Every real upload endpoint refuses files that lie (name, extension, content, size) with a message in the
user's language, and nothing is written outside the upload folder."""
import io
import os
import secrets
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from app.extensions import db
from tests.security.security_forms import post_forms

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 4096
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Company", "Country"])
    wb.active.append(["ACME GmbH", "DE"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb(kind: str) -> bytes:
    """A valid-looking Office file whose one part inflates ~1000×."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", b"0" * (40 * 1024 * 1024))
    return out.getvalue()


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def _valid(ext: str) -> bytes:
    return {"xlsx": _xlsx, "pdf": lambda: PDF, "png": lambda: PNG, "docx": _docx}[ext]()


def _contract_to_sign(world) -> int:
    """rep2's approved contract, sent so that it can be signed (the sign form takes the scan)."""
    with world.app.app_context():
        cid = db.session.scalar(sa.text("SELECT id FROM contracts WHERE owner_id = :u AND status = 'approved'"),
                                {"u": world.users["rep2"]})
        db.session.remove()
    response = world.client("rep2").post(f"/contracts/{cid}/send")
    assert response.status_code == 303
    return cid


# name → (role, url builder, file field, extension the endpoint accepts)
ENDPOINTS = {
    "customer import": ("owner", lambda w: "/customers/import", "file", "xlsx"),
    "sales import": ("owner", lambda w: "/reports/sales/import", "file", "xlsx"),
    "product import": ("manager", lambda w: "/products/import", "file", "xlsx"),
    "product image": ("manager", lambda w: f"/products/{w.ids['product']}/edit", "image_upload", "png"),
    "complaint attachment": ("owner", lambda w: f"/care/complaints/{w.ids['complaint']}/attachments",
                             "attachment", "xlsx"),
    "research attachment": ("owner", lambda w: f"/research/reports/{w.ids['research_report']}/attachments",
                            "file", "xlsx"),
    "contract signed scan": ("rep2", lambda w: f"/contracts/{_contract_to_sign(w)}/sign", "scan", "pdf"),
    "template upload": ("admin", lambda w: "/admin/templates?name=contract.docx", "file", "docx"),
}


def _prefix(app, message: str, **params) -> str:
    """The start of a translated message, up to its first placeholder, as it appears escaped in HTML."""
    with app.test_request_context(), force_locale("zh_CN"):
        text = _(message, **{k: "\x00" for k in params})
    return str(escape(text.split("\x00")[0]))


def _files_outside_uploads(app) -> set[str]:
    instance = Path(app.config["INSTANCE_DIR"]).resolve()
    uploads = Path(app.config["UPLOAD_DIR"]).resolve()
    found = set()
    for root, _dirs, files in os.walk(instance):
        if Path(root).resolve().is_relative_to(uploads):
            continue
        found.update(os.path.join(root, f) for f in files)
    return found


def _stored_count(app) -> int:
    with app.app_context():
        n = db.session.scalar(sa.text("SELECT count(*) FROM stored_files"))
        db.session.remove()
    return n


def _send(world, name, url, filename, data):
    """Post the file; a refusal shown after a redirect (flash) is read from the page redirected to."""
    role, _url_of, field, _ext = ENDPOINTS[name]
    client = world.client(role)
    form_data = {}
    if name in ("product image", "contract signed scan"):
        page = client.get(url).get_data(as_text=True)
        form = next(f for f in post_forms(page, url) if field in f.file_fields())
        form_data = form.defaults()
        form_data.pop("csrf_token", None)
    if name == "template upload":
        form_data["name"] = "contract.docx"
    form_data[field] = (io.BytesIO(data), filename)
    response = client.post(url, data=form_data, content_type="multipart/form-data")
    # the test client spools big bodies to a temporary file and leaves it open: close it here
    response.request.environ["wsgi.input"].close()
    if response.status_code == 303 and name == "research attachment":
        response.close()
        response = client.get(response.location)
    return response


def _assert_refused(app, response, before_files, before_stored, *messages):
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 422), response.status_code
    assert any(m in body for m in messages), f"none of {messages} in the page"
    assert _stored_count(app) == before_stored
    assert _files_outside_uploads(app) == before_files


@pytest.mark.parametrize("name", ENDPOINTS)
def test_upload_that_lies_is_refused_with_a_message(app, world, name):
    ext = ENDPOINTS[name][3]
    url = ENDPOINTS[name][1](world)
    before_files, before_stored = _files_outside_uploads(app), _stored_count(app)
    mismatch = _prefix(app, "The file's content does not match its name (.%(ext)s).", ext=ext)
    not_accepted = _prefix(app, "Files of this type are not accepted here. Accepted: %(kinds)s.", kinds="")
    bomb = _prefix(app, "The file expands to far more than its size (a zip bomb?) and was refused.")

    # an executable wearing the accepted extension
    _assert_refused(app, _send(world, name, url, f"price-list.{ext}", EXE), before_files, before_stored, mismatch)
    # an executable that says what it is
    _assert_refused(app, _send(world, name, url, "setup.exe", EXE), before_files, before_stored, not_accepted)
    # a zip bomb dressed as an Office file
    bomb_ext = ext if ext in ("xlsx", "docx") else "xlsx"
    _assert_refused(app, _send(world, name, url, f"report.{bomb_ext}", _bomb(bomb_ext)), before_files, before_stored,
                    bomb, not_accepted)
    # a path-traversal name is refused whatever the content, and no file appears where the name points
    traversal = _prefix(app, "The file name must be a plain name, without folders, “..” or control characters.")
    for content in (EXE, _valid(ext)):
        for path in ("../../../../../../tmp/{}", "..\\..\\..\\tmp\\{}", "/tmp/{}", "..{}"):
            target = f"td-evil-{secrets.token_hex(6)}.{ext}"
            _assert_refused(app, _send(world, name, url, path.format(target), content), before_files,
                            before_stored, traversal)
            assert not Path("/tmp", target).exists()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_fifty_megabyte_upload_gets_413_with_a_message_page(app, world, name):
    url = ENDPOINTS[name][1](world)
    before_files, before_stored = _files_outside_uploads(app), _stored_count(app)
    response = _send(world, name, url, f"big.{ENDPOINTS[name][3]}", b"0" * (50 * 1024 * 1024))
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert _prefix(app, "File too large") in body
    assert _prefix(app, "The upload is larger than the server accepts.") in body
    assert _stored_count(app) == before_stored
    assert _files_outside_uploads(app) == before_files
