"""File uploads: checked by content, stored under random names through one storage interface."""
import io
import os
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.models import StoredFile
from app.extensions import db

KINDS = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
}
EXTENSIONS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp", "pdf": "pdf",
              "xlsx": "xlsx", "docx": "docx", "csv": "csv", "txt": "csv"}
IMAGES = {"png", "jpeg", "gif", "webp"}
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 150


class UploadError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class LocalStorage:
    """Files in one folder; another backend (shared disk, object store) needs only these three methods."""

    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise UploadError(_l("Invalid file key."))
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_DIR"])


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_UNZIPPED or any(i.compress_size and i.file_size / i.compress_size > MAX_ZIP_RATIO
                                           for i in infos):
                raise UploadError(_l("The file expands to far more than its size (a zip bomb?) and was refused."))
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return None


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes really are, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if b"\x00" in data[:8192]:
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            data[:65536].decode(enc)
            return "csv"
        except UnicodeDecodeError as exc:
            if enc == "utf-8-sig" and exc.start > 65530:
                return "csv"
    return None


def check_upload(filename: str, data: bytes, allowed: set[str], max_bytes: int | None = None) -> str:
    """The checked kind of an upload; ``UploadError`` with a user-facing message otherwise."""
    name = filename or ""
    if "/" in name or "\\" in name or name.startswith(".") or any(ord(ch) < 32 for ch in name):
        # browsers send a bare file name; a folder path, a hidden or relative name or control characters
        # mean a crafted request
        raise UploadError(_l("The file name must be a plain name, without folders, “..” or control characters."))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        raise UploadError(_l("The file is empty."))
    limit = max_bytes or current_app.config["MAX_CONTENT_LENGTH"]
    if len(data) > limit:
        raise UploadError(_l("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    claimed = EXTENSIONS.get(ext)
    if claimed not in allowed:
        raise UploadError(_l("Files of this type are not accepted here. Accepted: %(kinds)s.",
                             kinds=", ".join(sorted(allowed))))
    actual = sniff(data)
    if actual != claimed:
        raise UploadError(_l("The file's content does not match its name (.%(ext)s).", ext=ext))
    return actual


def save_upload(file_storage, allowed: set[str], owner_type: str | None = None, owner_id: int | None = None,
                user_id: int | None = None, max_bytes: int | None = None) -> StoredFile:
    data = file_storage.read()
    kind = check_upload(file_storage.filename, data, allowed, max_bytes)
    name = (file_storage.filename or "file")[:255]
    key = storage().save(data)
    row = StoredFile(storage_key=key, original_name=name, content_type=KINDS[kind], kind=kind, size=len(data),
                     owner_type=owner_type, owner_id=owner_id, uploaded_by_id=user_id)
    db.session.add(row)
    return row


_access_checks = {}


def register_file_access(owner_type: str, check) -> None:
    """``check(user, owner_id) -> bool`` decides who may download files attached to ``owner_type``."""
    _access_checks[owner_type] = check


def may_download(user, stored: StoredFile) -> bool:
    if user.has_role("admin", "manager") or stored.uploaded_by_id == user.id:
        return True
    check = _access_checks.get(stored.owner_type)
    return bool(check and check(user, stored.owner_id))
