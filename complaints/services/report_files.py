"""The annual complaints report as files: PDF (WeasyPrint, from the same template as the
printable page) and XLSX (one sheet: section, item, number). Both are made from a built
report (services.annual_report), so the published version's protected figures read "fewer
than 5" in the files too: the numbers are not in the data any more."""

import io
from collections.abc import Iterator

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from complaints.services.annual_report import AnnualReport, Figure
from insights.models import PRIVACY_THRESHOLD

REPORT_STYLESHEET = "css/complaints_reports.css"


def figure_text(figure: Figure) -> int | float | str:
    """A figure as a file shows it: the number, or "fewer than 5" when protected."""
    if figure.suppressed:
        return gettext("fewer than 5")
    return "" if figure.value is None else figure.value


def report_rows(report: AnnualReport) -> Iterator[list]:
    """The report's rows, header first; the last column is a stable code for machines."""
    version = gettext("published") if report.published else gettext("internal")
    yield [gettext("Complaints annual report %(year)d") % {"year": report.year}, version]
    yield [
        gettext("Made on"),
        timezone.localtime(report.made_at).strftime("%Y-%m-%d %H:%M"),
    ]
    yield []
    yield [gettext("Section"), gettext("Item"), gettext("How many"), gettext("Code")]
    for section in report.sections:
        for row in section.rows:
            yield [
                str(section.title),
                str(row.label),
                figure_text(row.figure),
                f"{section.key}.{row.key}",
            ]
    for number, item in enumerate(report.improvements, start=1):
        yield [
            gettext("Improvements that followed"),
            f"{item.title} ({item.status_label})",
            figure_text(item.complaints),
            f"improvements.{number}",
        ]


def annual_report_xlsx(report: AnnualReport) -> bytes:
    """The report in one sheet of an XLSX workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(report.year))
    for row in report_rows(report):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annual_report_html(
    report: AnnualReport, *, for_pdf: bool = False, request: HttpRequest | None = None, **context
) -> str:
    """The printable page (the PDF's source when `for_pdf`: no links, no navigation)."""
    return render_to_string(
        "complaints/reports/annual_report.html",
        {"report": report, "for_pdf": for_pdf, "threshold": PRIVACY_THRESHOLD, **context},
        request=request,
    )


def annual_report_pdf(report: AnnualReport) -> bytes:
    """The report as PDF: the printable page laid out by WeasyPrint with the print
    stylesheet. Nothing is fetched from elsewhere (the page links no images or fonts)."""
    from weasyprint import CSS, HTML  # loads pango: only where a PDF is asked for

    stylesheet = finders.find(REPORT_STYLESHEET)
    return HTML(string=annual_report_html(report, for_pdf=True)).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )
