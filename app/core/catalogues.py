"""Catalogue maintenance behind `make translations`.

    python -m app.core.catalogues update <template.pot> <translations dir>
    python -m app.core.catalogues missing <translations dir>            # untranslated zh_CN msgids, as JSON
    python -m app.core.catalogues fill <translations dir> <file.json>   # {"msgid": "译文", ...}
"""
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = ("zh_CN", "en")


def _po(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / "messages.po"


def _read(path: Path, locale: str) -> Catalog:
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=locale)
    return Catalog(locale=locale, project="TradeDesk", fuzzy=False)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False
    with path.open("wb") as f:
        write_po(f, catalog, width=0, ignore_obsolete=True, omit_header=False, sort_output=True)


def update(pot: str, directory: str) -> None:
    with open(pot, "rb") as f:
        template = read_po(f)
    for locale in LOCALES:
        path = _po(Path(directory), locale)
        catalog = _read(path, locale)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        _write(path, catalog)


def missing(directory: str) -> dict[str, str]:
    catalog = _read(_po(Path(directory), "zh_CN"), "zh_CN")
    out = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        if (not m.string or (isinstance(m.string, tuple) and not all(m.string))) or m.fuzzy:
            out[key if not m.context else f"{m.context}\x04{key}"] = ""
    return out


def fill(directory: str, source: str) -> int:
    path = _po(Path(directory), "zh_CN")
    catalog = _read(path, "zh_CN")
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    count = 0
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        full = f"{m.context}\x04{key}" if m.context else key
        text = translations.get(full, translations.get(key))
        if text:
            m.string = (text, text) if isinstance(m.id, tuple) else text
            m.flags.discard("fuzzy")
            count += 1
    _write(path, catalog)
    return count


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "update":
        update(*args)
    elif command == "missing":
        print(json.dumps(missing(*args), ensure_ascii=False, indent=1))
    elif command == "fill":
        print(f"{fill(*args)} translations written")
    else:
        raise SystemExit(__doc__)
