"""Word documents: bilingual templates in doc_templates/, filled with escaped values by docxtpl."""
import io
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from flask import current_app
from jinja2.sandbox import SandboxedEnvironment

from app.config import BASE_DIR

TEMPLATE_DIR = BASE_DIR / "doc_templates"
REQUIRED: dict[str, set[str]] = {}


def register_document(name: str, variables: set[str]) -> None:
    """Declare a document template and the variables it needs (checked on upload and in tests)."""
    REQUIRED[name] = set(variables)


def _override_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "doc_templates"


def template_path(name: str) -> Path:
    custom = _override_dir() / name
    return custom if custom.exists() else TEMPLATE_DIR / name


class _CompiledOnce(SandboxedEnvironment):
    """docxtpl hands the environment the document's XML as a string on every render; compiling a bilingual
    contract's XML is most of a render, and the XML only changes when the template file does."""

    CACHE_SIZE = 32

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled: OrderedDict[str, object] = OrderedDict()
        self._compiled_lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            template = self._compiled.get(source)
            if template is not None:
                self._compiled.move_to_end(source)
                return template
        template = super().from_string(source)
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > self.CACHE_SIZE:
                self._compiled.popitem(last=False)
        return template


@lru_cache(maxsize=1)
def jinja_env() -> SandboxedEnvironment:
    """One sandboxed, autoescaping environment per process (building it per document costs time)."""
    return _CompiledOnce(autoescape=True)


@lru_cache(maxsize=64)
def _template_bytes(path: str, mtime_ns: int) -> bytes:
    return Path(path).read_bytes()


def _template_source(name: str) -> io.BytesIO:
    """The template's bytes, read once per file version (a replaced template has a new mtime)."""
    path = template_path(name)
    return io.BytesIO(_template_bytes(str(path), path.stat().st_mtime_ns))


def undeclared_variables(source) -> set[str]:
    tpl = DocxTemplate(source)
    return set(tpl.get_undeclared_template_variables(jinja_env()))


def render(name: str, context: dict, inline_images=None) -> io.BytesIO:
    """Render ``doc_templates/<name>`` (or the admin's replacement) and return the .docx bytes."""
    tpl = DocxTemplate(_template_source(name))
    if inline_images:
        context = dict(context)
        for key, (image_bytes, width) in inline_images.items():
            context[key] = _inline(tpl, image_bytes, width)
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    out.seek(0)
    return out


def _inline(tpl, image_bytes, width):
    from docx.shared import Mm
    from docxtpl import InlineImage

    if image_bytes is None:
        return ""
    return InlineImage(tpl, io.BytesIO(image_bytes), width=Mm(width))


def check_replacement(name: str, data: bytes) -> list[str]:
    """The variables a replacement template lacks (empty when it may be used)."""
    try:
        found = undeclared_variables(io.BytesIO(data))
    except Exception:
        return ["(not a Word template)"]
    return sorted(REQUIRED.get(name, set()) - found)


def install_replacement(name: str, data: bytes) -> None:
    folder = _override_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def remove_replacement(name: str) -> None:
    path = _override_dir() / name
    if path.exists():
        path.unlink()


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "document"
