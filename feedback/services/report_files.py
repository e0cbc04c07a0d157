"""The monthly report as a spreadsheet (XLSX) and as CSV: the same rows, read from the stored
report as the user may see it (feedback.services.reports.report_for_user), so the privacy
threshold stored with the figures holds in the files too."""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext
from openpyxl import Workbook

from feedback.models import Channel

FIGURES = ("responses", "invitations", "rate", "csat", "mean", "answered")


def _headers() -> list[str]:
    return [
        gettext("Section"),
        gettext("Name"),
        gettext("Responses"),
        gettext("Invitations"),
        gettext("Response rate (%)"),
        gettext("CSAT (%)"),
        gettext("Mean score"),
        gettext("Question answered (%)"),
        gettext("CSAT change against the previous month (points)"),
        gettext("CSAT change against a year earlier (points)"),
    ]


def _figure_row(section: str, name: str, group: dict) -> list:
    now = group["now"]
    if now["suppressed"]:
        below = gettext("fewer than 5 responses")
        return [section, name, below, "", "", "", "", "", "", ""]
    changes = [
        (group.get(change) or {}).get("csat") for change in ("change_previous", "change_year")
    ]
    return [section, name, *(now.get(figure) for figure in FIGURES), *changes]


def report_rows(data: dict) -> Iterator[list]:
    """The report's figure rows, header first: the organisation, each channel, region and
    team the data holds; a group below the threshold reads "fewer than 5 responses"."""
    yield _headers()
    yield _figure_row(gettext("Organisation"), gettext("All channels"), data["total"])
    labels = dict(Channel.choices)
    for channel in data["channels"]:
        yield _figure_row(gettext("Channel"), str(labels.get(channel["key"], "")), channel)
    for region in data["regions"]:
        yield _figure_row(gettext("Region"), region["name"], region)
    for team in data["teams"]:
        yield _figure_row(gettext("Team"), f"{team['name']} ({team['region_name']})", team)


def report_csv(data: dict) -> bytes:
    """The rows as UTF-8 CSV with a byte-order mark (spreadsheets then read accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in report_rows(data):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(data: dict) -> bytes:
    """The rows in one sheet of an XLSX workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=data["month"][:7])
    for row in report_rows(data):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
