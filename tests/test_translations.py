"""Every string the user sees exists in Dutch and English, and the compiled catalogue is current."""

import ast
import gettext
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
