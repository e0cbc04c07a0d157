"""The member's copy of their data (GDPR articles 15 and 20)."""

import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.personal_data import SOURCES, timestamp

EXPORT_FORMAT_VERSION = 1

# In data.json only: on the readable page they would repeat what is already there.
MACHINE_ONLY_KEYS = {"html"}

# Headings for the keys sources write; a key not listed here is shown as written.
FIELD_LABELS = {
    "email": _("E-mail address"),
    "pseudonym": _("Pseudonym"),
    "pseudonym_changed_at": _("Pseudonym last changed"),
    "held_until": _("Reserved for you until"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "language": _("Language of e-mails"),
    "research_id": _("Research number"),
    "date_joined": _("Joined"),
    "last_login": _("Last login"),
    "is_active": _("Account active"),
    "roles": _("Staff roles"),
    "permissions": _("Extra permissions"),
    "children": _("Children"),
    "month": _("Month of birth or due month"),
    "expecting": _("Expected"),
    "age_band": _("Age"),
    "age_bands": _("Ages of your children today"),
    "province": _("Province"),
    "languages": _("Languages spoken at home"),
    "family_situation": _("Family situation"),
    "service_channel": _("How you came to know Kind en Gezin"),
    "updated_at": _("Last changed"),
    "document": _("Document"),
    "version": _("Version"),
    "action": _("What you did"),
    "created_at": _("Time"),
    "kind": _("Kind"),
    "text": _("Text"),
    "link": _("Link"),
    "read_at": _("Read"),
    "emailed_at": _("E-mailed"),
    "frequency": _("E-mail"),
    "segment": _("Group"),
    "primary": _("Main address"),
    "verified": _("Confirmed"),
    "type": _("Kind"),
    "last_used_at": _("Last used"),
    "ip": _("IP address"),
    "user_agent": _("Browser"),
    "last_seen_at": _("Last seen"),
    "id": _("Number"),
    "topic": _("Topic"),
    "reply_to": _("Reply to post number"),
    "edited_at": _("Edited"),
    "post": _("Post number"),
}


def _label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key.replace("_", " ")))


def _readable(value: object) -> str:
    """One value as a line of text for the HTML page (the JSON keeps the structure)."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        if set(value) == {"code", "name"}:
            return str(value["name"] or value["code"])
        return ", ".join(f"{_label(key)}: {_readable(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_readable(item) for item in value)
    return str(value)


def personal_data_collect(*, user: User) -> dict:
    """Everything every registered source holds about the member, as JSON-ready data."""
    data: dict = {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timestamp(timezone.now()),
    }
    for key, source in SOURCES.items():
        data[key] = source.export(user)
    return data


def personal_data_export(*, user: User) -> bytes:
    """A ZIP with data.json (for machines) and index.html (for people) of the member's data.

    The HTML page stands alone: every value is escaped and nothing is loaded from elsewhere.
    """
    data = personal_data_collect(user=user)
    sections = [
        {
            "key": key,
            "title": source.title(),
            "rows": [
                [
                    (_label(name), _readable(value))
                    for name, value in row.items()
                    if name not in MACHINE_ONLY_KEYS
                ]
                for row in data[key]
            ],
        }
        for key, source in SOURCES.items()
    ]
    page = render_to_string(
        "community/personal_data_export.html",
        {"sections": sections, "exported_at": data["exported_at"]},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("index.html", page)
    return buffer.getvalue()
