"""Every string the user sees exists in Dutch and English, and the compiled catalogue is current."""

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def po_entries(po_file: Path) -> list[dict]:
    """Read a .po file into entries with msgctxt, msgid, msgstr and flags."""
    entries, entry, field = [], {}, None
    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("language", ["nl", "en"])
def test_message_catalogue_is_complete_and_compiled(language):
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    with po_file.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    entries = po_entries(po_file)

    assert entries, "empty catalogue"
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
        if "msgid_plural" in entry:
            assert entry.get("msgstr[0]") and entry.get("msgstr[1]"), entry["msgid"]
            continue
        assert entry["msgstr"], f"not translated: {entry['msgid']!r}"
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        assert compiled.get(key) == entry["msgstr"], f"run `make messages`: {entry['msgid']!r}"


ROOT = LOCALE_DIR.parent
SOURCE_DIRS = ("community", "projects", "config", "templates")
TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?"""
)
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
CONTEXT_CALLS = {"pgettext", "pgettext_lazy"}


def msgids_in_sources() -> set[str]:
    """The literal msgids of `{% translate %}` tags and gettext calls (blocktranslate and
    computed strings are left to `make messages`)."""
    found = set()
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.html"):
            for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                context = match["context"]
                found.add(f"{context}\x04{match['msgid']}" if context else match["msgid"])
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
                if name in GETTEXT_CALLS and strings and isinstance(strings[0], str):
                    found.add(strings[0])
                elif name in CONTEXT_CALLS and len(strings) >= 2:
                    found.add(f"{strings[0]}\x04{strings[1]}")
    return found


def test_every_literal_message_in_the_sources_is_in_the_catalogue():
    entries = po_entries(LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po")
    catalogue = {
        f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        for entry in entries
    }

    missing = sorted(msgids_in_sources() - catalogue)

    assert not missing, f"run `make messages` and translate: {missing}"


@pytest.mark.parametrize(
    ("msgid", "wagtails_dutch"),
    [("Reports", "Rapporten"), ("document", "document"), ("Save", "Opslaan")],
)
def test_our_catalogue_leaves_wagtails_admin_words_alone(msgid, wagtails_dutch):
    """Our catalogue is searched before Wagtail's: a msgid we share with it (without a
    context) would change the admin's words, such as its Reports menu."""
    from django.utils import translation

    with translation.override("nl"):
        assert translation.gettext(msgid) == wagtails_dutch
