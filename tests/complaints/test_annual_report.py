"""The annual report for the ombudsman: its numbers against a hand count, the year's
boundaries in Brussels, the privacy threshold of the published version, and the files."""

import io

import pytest
from openpyxl import load_workbook

from complaints.models import ComplaintChannel, OmbudsNorm
from complaints.services.annual_report import (
    INTERNAL,
    PUBLISHED,
    Figure,
    annual_report_build,
    annual_report_years,
    figure_protect,
)
from complaints.services.report_files import annual_report_pdf, annual_report_xlsx, report_rows
from tests.complaints.report_cases import YEAR, brussels, complaint_made, year_of_complaints

pytestmark = pytest.mark.django_db


def numbers(report, section: str) -> dict:
    return {row.key: row.figure.value for row in report.section(section).rows}


def test_the_report_matches_a_hand_count():
    year_of_complaints()

    report = annual_report_build(year=YEAR)

    assert report.version == INTERNAL
    assert numbers(report, "totals") == {"received": 8, "not_a_complaint": 1, "complaints": 7}
    assert numbers(report, "admissibility") == {"admissible": 4, "refused": 2, "not_assessed": 1}
    assert numbers(report, "refusal_grounds") == {
        "ground_handled_before": 0,
        "ground_older_than_a_year": 1,
        "ground_manifestly_unfounded": 0,
        "ground_no_interest": 1,
        "ground_appeal_not_used": 0,
        "ground_court_case": 0,
    }
    assert numbers(report, "outcomes") == {
        "outcome_founded": 1,
        "outcome_partly_founded": 1,
        "outcome_unfounded": 1,
        "outcome_no_judgement": 0,
        "no_outcome": 1,
    }
    assert numbers(report, "resolved") == {"resolved": 1}
    assert numbers(report, "answer_times") == {"within": 2, "beyond": 1, "mean": 35.0}
    assert report.figure("answer_times", "mean").base == 3
    norms = numbers(report, "norms")
    assert norms[OmbudsNorm.CORRECT_TREATMENT] == 2
    assert norms[OmbudsNorm.TIMELINESS] == 2
    assert sum(norms.values()) == 4
    assert numbers(report, "channels") == {
        "channel_web_form": 3,
        "channel_email": 1,
        "channel_phone": 1,
        "channel_letter": 1,
        "channel_desk": 1,
    }
    services = numbers(report, "services")
    assert services["service_consultation"] == 4
    assert services["service_home_visit"] == 1
    assert services["service_helpline"] == 1
    assert services["service_childcare"] == 1
    assert services["service_"] == 0
    assert sum(services.values()) == 7
    assert [(item.title, item.status, item.complaints.value) for item in report.improvements] == [
        ("Uitleg over het groeipakket", "planned", 1),
        ("Wachttijd aan de telefoon korter", "done", 2),
    ]
    assert report.due_by.isoformat() == f"{YEAR + 1}-02-10"


def test_the_year_before_and_after_count_their_own_complaints():
    year_of_complaints()

    before = annual_report_build(year=YEAR - 1)
    after = annual_report_build(year=YEAR + 1)

    assert numbers(before, "totals")["received"] == 1
    assert numbers(after, "totals")["received"] == 1
    assert {YEAR - 1, YEAR, YEAR + 1} <= set(annual_report_years())


def test_a_norm_listed_twice_on_one_complaint_counts_once():
    complaint_made(brussels(YEAR, 4, 4), norms=[OmbudsNorm.PRIVACY, OmbudsNorm.PRIVACY])

    report = annual_report_build(year=YEAR)

    assert numbers(report, "norms")[OmbudsNorm.PRIVACY] == 1


@pytest.mark.parametrize(("count", "shown"), [(4, False), (5, True)])
def test_the_published_version_hides_figures_about_fewer_than_5(count, shown):
    for day in range(1, count + 1):
        complaint_made(brussels(YEAR, 3, day), channel=ComplaintChannel.PHONE)

    internal = annual_report_build(year=YEAR, version=INTERNAL)
    published = annual_report_build(year=YEAR, version=PUBLISHED)

    assert internal.figure("channels", "channel_phone").value == count
    phone = published.figure("channels", "channel_phone")
    assert phone.suppressed != shown
    assert phone.value == (count if shown else None)
    assert published.figure("channels", "channel_letter").suppressed
    # The hidden number is nowhere in the published data, not even as a base.
    assert phone.base == (count if shown else None)


def test_a_mean_about_fewer_than_5_answers_is_hidden_too():
    for day in range(1, 4):
        complaint_made(brussels(YEAR, 3, day), stage="answered", answered_after=day * 10)

    published = annual_report_build(year=YEAR, version=PUBLISHED)
    internal = annual_report_build(year=YEAR, version=INTERNAL)

    assert internal.figure("answer_times", "mean").value == 20.0
    assert published.figure("answer_times", "mean").suppressed


def test_figure_protect_is_the_one_threshold():
    assert figure_protect(Figure.count(4)) == Figure(value=None, base=None, suppressed=True)
    assert figure_protect(Figure.count(5)) == Figure.count(5)
    assert figure_protect(Figure(value=12.5, base=5)) == Figure(value=12.5, base=5)
    assert figure_protect(Figure(value=12.5, base=4)).suppressed


def test_an_unknown_version_is_refused():
    with pytest.raises(ValueError):
        annual_report_build(year=YEAR, version="everything")


def test_the_files_hold_the_same_numbers_as_the_report():
    year_of_complaints()
    report = annual_report_build(year=YEAR)

    pdf = annual_report_pdf(report)
    workbook = load_workbook(io.BytesIO(annual_report_xlsx(report)))

    assert pdf.startswith(b"%PDF")
    sheet_rows = {
        row[3]: row[2] for row in workbook.active.iter_rows(values_only=True) if len(row) > 3
    }
    for section in report.sections:
        for row in section.rows:
            assert sheet_rows[f"{section.key}.{row.key}"] == row.figure.value
    assert sheet_rows["totals.complaints"] == 7
    assert sheet_rows["answer_times.mean"] == 35.0
    assert sheet_rows["improvements.2"] == 2


def test_the_published_files_read_fewer_than_5():
    year_of_complaints()
    report = annual_report_build(year=YEAR, version=PUBLISHED)

    rows = {row[3]: row[2] for row in report_rows(report) if len(row) > 3}
    workbook = load_workbook(io.BytesIO(annual_report_xlsx(report)))
    sheet_rows = {
        row[3]: row[2] for row in workbook.active.iter_rows(values_only=True) if len(row) > 3
    }

    assert rows["totals.received"] == sheet_rows["totals.received"] == 8
    assert rows["totals.complaints"] == 7
    below = rows["channels.channel_phone"]
    assert isinstance(below, str) and "5" in below
    assert sheet_rows["channels.channel_phone"] == below
    assert sheet_rows["improvements.2"] == below
    assert annual_report_pdf(report).startswith(b"%PDF")


@pytest.mark.parametrize("complaints", [5, 50])
def test_the_report_costs_the_same_for_5_and_50_complaints(django_assert_num_queries, complaints):
    for number in range(complaints):
        complaint_made(
            brussels(YEAR, 1 + number % 12, 1 + number % 28),
            stage="answered",
            answered_after=number % 60,
            norms=[OmbudsNorm.DUE_CARE],
        )

    with django_assert_num_queries(4):
        annual_report_build(year=YEAR, version=PUBLISHED)
