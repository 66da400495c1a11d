"""Every user-visible string is in a catalogue and translated into Chinese."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app.core.i18n import catalogue_paths

ROOT = Path(__file__).resolve().parent.parent


def _msgids(po: Path) -> dict:
    with po.open("rb") as f:
        return {m.id if not isinstance(m.id, tuple) else m.id[0]: m for m in read_po(f) if m.id}


def _extract(paths: list[Path], without_context: bool = False) -> set[str]:
    pot = Path("/tmp") / f"tradedesk-check-{abs(hash(tuple(paths)))}.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-k", "N_", "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2", "-o", str(pot),
                    *[str(p) for p in paths if p.exists()]], check=True, cwd=ROOT)
    if without_context:
        with pot.open("rb") as f:
            return {m.id if not isinstance(m.id, tuple) else m.id[0] for m in read_po(f) if m.id and not m.context}
    return set(_msgids(pot))


def test_zh_cn_catalogues_are_complete_and_not_fuzzy():
    problems = []
    for po in catalogue_paths("zh_CN"):
        if not po.exists():
            continue
        for msgid, m in _msgids(po).items():
            string = m.string if not isinstance(m.string, tuple) else m.string[0]
            if not string or m.fuzzy:
                problems.append(f"{po.relative_to(ROOT)}: {msgid!r}")
    assert not problems, "Untranslated or fuzzy:\n" + "\n".join(problems)


def test_every_string_in_the_code_is_in_its_catalogue():
    """Run `make translations` after adding strings; this fails on any string not extracted yet."""
    areas = [p.parent.name for p in (ROOT / "app").glob("*/translations")]
    shared = [ROOT / "app" / n for n in ("__init__.py", "config.py", "extensions.py", "core", "auth", "admin", "home")]
    shared += [ROOT / "templates" / n for n in ("auth", "admin", "home", "errors")] + list((ROOT / "templates").glob("*.html"))
    groups = {ROOT / "app" / "translations": shared}
    for area in areas:
        groups[ROOT / "app" / area / "translations"] = [ROOT / "app" / area, ROOT / "templates" / area]
    missing = []
    for folder, paths in groups.items():
        known = set(_msgids(folder / "zh_CN" / "LC_MESSAGES" / "messages.po"))
        missing += [f"{folder.relative_to(ROOT)}: {m!r}" for m in sorted(_extract(paths) - known)]
    assert not missing, "Strings not in a catalogue (run `make translations`):\n" + "\n".join(missing)



def test_no_area_changes_the_words_of_the_layout():
    """A page uses its own area's catalogue last, so the layout every page shows (header, pager,
    form errors, error pages) must not be translated differently by any area."""
    layout = _extract([ROOT / "templates" / "base.html", ROOT / "templates" / "_macros.html",
                       ROOT / "templates" / "errors", ROOT / "app" / "core" / "web.py"], without_context=True)
    shared = _msgids(ROOT / "app" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po")
    clashes = []
    for po in catalogue_paths("zh_CN"):
        if not po.exists() or po.is_relative_to(ROOT / "app" / "translations"):
            continue
        for msgid, m in _msgids(po).items():
            if msgid in layout and not m.context and msgid in shared and m.string and m.string != shared[msgid].string:
                clashes.append(f"{po.relative_to(ROOT)}: {msgid!r} → {m.string!r}, layout says {shared[msgid].string!r}")
    assert not clashes, "\n".join(clashes)


def test_navigation_keeps_its_words_on_every_area_page(login_as):
    client = login_as("manager")
    for url in ("/customers/", "/research/", "/plans/", "/care/", "/quotations/", "/contracts/", "/coordination/",
                "/reports/"):
        page = client.get(url).get_data(as_text=True)
        nav = page[page.index('<nav class="mainnav"'):page.index("</nav>")]
        assert ">客户开发<" in nav and ">价格谈判与报价<" in nav and ">销售分析与考核<" in nav, url
