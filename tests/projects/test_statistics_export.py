"""Project statistics and the export of posts: staff only, exact, fixed query counts. The
export runs as a job (insights.services.exports, tests/insights/test_exports.py): here the
researcher starts it from the statistics page and downloads the finished file."""

import csv
import datetime
import io
from http import HTTPStatus

import openpyxl
import pytest
from django.utils import timezone

from community.models import HomeLanguage, MemberProfile, Province, Role, Segment, SegmentRule
from community.models.profiles import Child, month_start, months_added
from insights.models import ExportJob
from insights.services.exports import export_download_token, export_job_write
from projects.models import (
    Audience,
    PollOption,
    PollVote,
    Post,
    PostStatus,
    Reaction,
    ResponseMode,
    TopicPage,
)
from projects.services.export import EXPORT_COLUMNS, cell_safe
from tests.community.factories import UserFactory, consent_accept_all
from tests.projects.factories import TopicPageFactory, post_write

pytestmark = pytest.mark.django_db


def statistics_url(project) -> str:
    return f"/admin/projects/{project.pk}/statistics/"


def export_url(project, file_format: str) -> str:
    return f"/admin/projects/{project.pk}/export.{file_format}"


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def export_download(django_capture_on_commit_callbacks):
    """Start the export as the statistics page does (the task runs at once in tests), then
    download the file through the link on the list of one's exports."""

    def start_and_download(client, project, file_format: str):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(export_url(project, file_format))
        assert started.status_code == HTTPStatus.FOUND, started
        job = ExportJob.objects.filter(file_format=file_format).latest("pk")
        response = client.get(
            f"/admin/insights/exports/{job.pk}/download/?token={export_download_token(job=job)}"
        )
        response.bytes = b"".join(response.streaming_content)
        return response

    return start_and_download


def csv_rows(response) -> list[dict]:
    text = response.bytes.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.bytes)).active


def xlsx_rows(response) -> list[dict]:
    header, *rows = [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def members(consent_documents):
    people = [UserFactory() for _ in range(3)]
    consent_accept_all(*people)
    return people


# --- statistics ---


def test_statistics_count_audience_joined_and_answers_per_topic(
    client_for_role, project_page, topic_page, members, consent_documents
):
    first, second, third = members
    poll = TopicPageFactory(parent=project_page)
    option = PollOption.objects.create(topic=poll, label="Ja")
    PollOption.objects.create(topic=poll, label="Nee")
    TopicPage.objects.filter(pk=poll.pk).update(response_mode=ResponseMode.POLL)
    PollVote.objects.create(option=option, user=third)
    answer = post_write(topic_page, first, "Mijn antwoord.")
    post_write(topic_page, first, "Nog een antwoord.")
    post_write(topic_page, second, "Een reactie.", parent=answer)
    post_write(topic_page, second, "Verborgen.", status=PostStatus.HIDDEN)
    client = client_for_role("researcher")
    post_write(topic_page, None, "Van een oud lid.")

    response = client.get(statistics_url(project_page))

    assert response.status_code == HTTPStatus.OK
    statistics = response.context["statistics"]
    assert statistics.audience == 3
    assert statistics.joined == 2  # first and second posted; the former member is nobody
    answered = {row.topic.pk: row.answered for row in statistics.topics}
    assert answered == {topic_page.pk: 1, poll.pk: 1}
    assert sum(bar.posts for bar in statistics.days) == 5
    assert "<svg" in response.content.decode()
    assert "style=" not in response.content.decode().split("<svg", 1)[1].split("</svg>", 1)[0]


def test_statistics_do_not_count_staff_posts(client_for_role, project_page, topic_page, members):
    client = client_for_role("researcher")
    from community.models import User

    researcher = User.objects.get(email="onderzoeker@example.org")
    post_write(topic_page, researcher, "Een vraag van de onderzoeker.", author_role=Role.RESEARCHER)

    statistics = client.get(statistics_url(project_page)).context["statistics"]

    assert statistics.joined == 0
    assert statistics.topics[0].answered == 0


def test_statistics_audience_of_segments_counts_members_once(
    client_for_role, project_page, members
):
    first, second, _third = members
    MemberProfile.objects.create(user=first, province=Province.ANTWERPEN)
    by_rule = Segment.objects.create(name="Antwerpen")
    SegmentRule.objects.create(segment=by_rule, criterion="province:antwerpen")
    by_hand = Segment.objects.create(name="Uitgenodigd")
    by_hand.invited_members.set([first, second])
    by_hand.save()
    project_page.audience = Audience.SEGMENTS
    project_page.segments.set([by_rule, by_hand])
    project_page.save_revision().publish()

    statistics = (
        client_for_role("moderator").get(statistics_url(project_page)).context["statistics"]
    )

    assert statistics.audience == 2


def test_posts_per_day_chart_fills_days_without_posts(
    client_for_role, project_page, topic_page, members
):
    now = timezone.now()
    for days_ago in (0, 0, 3):
        post = post_write(topic_page, members[0], "Tekst.")
        Post.objects.filter(pk=post.pk).update(created_at=now - datetime.timedelta(days=days_ago))

    statistics = client_for_role("admin").get(statistics_url(project_page)).context["statistics"]

    assert [bar.posts for bar in statistics.days] == [1, 0, 0, 2]
    assert statistics.days[-1].height == 120
    assert statistics.days[0].height == 60
    assert statistics.busiest_day == 2


@pytest.mark.parametrize("posts", [5, 50])
def test_statistics_cost_the_same_queries_for_5_and_50_posts(
    client_for_role, project_page, topic_page, members, django_assert_num_queries, posts
):
    for number in range(posts):
        post_write(topic_page, members[number % 3], f"Tekst {number}.")
    client = client_for_role("researcher")
    client.get(statistics_url(project_page))

    with django_assert_num_queries(STATISTICS_QUERIES):
        client.get(statistics_url(project_page))


# admin page overhead (2FA, roles, admin menu…; the session and the user come from the cache)
# plus the statistics: the project, audience, joined, topics and posts per day
STATISTICS_QUERIES = 16


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.FORBIDDEN),
        ("other_parent", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.OK),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
    ],
)
def test_statistics_permission_matrix(client_for_role, project_page, role, expected):
    response = client_for_role(role).get(statistics_url(project_page))

    assert response.status_code == expected
    if expected == HTTPStatus.OK:
        assert response.context["can_export"] is (role != "moderator")


def test_statistics_button_on_the_project_page_in_the_admin(client_for_role, project_page):
    response = client_for_role("researcher").get(f"/admin/pages/{project_page.pk}/edit/")

    assert statistics_url(project_page) in response.content.decode()


# --- export ---


@pytest.fixture
def exported_posts(project_page, topic_page, members):
    first, second, _third = members
    profile = MemberProfile.objects.create(user=first, province=Province.ANTWERPEN)
    Child.objects.create(profile=profile, month=months_added(month_start(), -6))
    Child.objects.create(profile=profile, month=months_added(month_start(), -24))
    HomeLanguage.objects.create(profile=profile, language="nl")
    HomeLanguage.objects.create(profile=profile, language="ar")
    answer = post_write(topic_page, first, "Eerste regel **vet**\n\n=1+1 en & < >")
    Reaction.objects.create(post=answer, user=second)
    reply = post_write(topic_page, second, "@SUM(A1) als reactie", parent=answer)
    gone = post_write(topic_page, None, "Van een oud lid.")
    post_write(topic_page, second, "Verborgen.", status=PostStatus.HIDDEN)
    post_write(topic_page, second, "Wacht: mail me op a@b.be", status=PostStatus.PENDING)
    post_write(topic_page, second, "Weg.", removed_at=timezone.now())
    return answer, reply, gone


def test_csv_export_holds_published_posts_with_profile_variables(
    client_for_role, project_page, topic_page, exported_posts, members, export_download
):
    answer, reply, gone = exported_posts

    response = export_download(client_for_role("researcher"), project_page, "csv")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert [row["post_id"] for row in rows] == [str(answer.pk), str(reply.pk), str(gone.pk)]
    first = rows[0]
    assert first["author_id"] == members[0].research_id
    assert first["topic"] == topic_page.title
    assert first["reactions"] == "1"
    assert first["age_bands"] == "0-1;1-3"
    assert first["province"] == "antwerpen"
    assert first["languages"] == "nl;ar"
    assert first["text"] == "Eerste regel vet\n=1+1 en & < >"
    posted = datetime.datetime.fromisoformat(first["posted_at"])
    assert posted.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert posted == answer.created_at.replace(microsecond=0)
    assert rows[1]["reply_to"] == str(answer.pk)
    assert rows[1]["text"] == "'@SUM(A1) als reactie"
    assert rows[2]["author_id"] == rows[2]["age_bands"] == rows[2]["province"] == ""


def test_export_never_holds_email_or_pseudonym(
    client_for_role, project_page, exported_posts, members, export_download
):
    client = client_for_role("researcher")
    text = export_download(client, project_page, "csv").bytes.decode()
    workbook = export_download(client, project_page, "xlsx")
    cells = " ".join(str(value) for row in xlsx_rows(workbook) for value in row.values())

    for member in members:
        for secret in (member.email, member.pseudonym):
            assert secret not in text
            assert secret not in cells


def test_xlsx_export_holds_the_same_rows(
    client_for_role, project_page, exported_posts, export_download
):
    answer, reply, _gone = exported_posts

    response = export_download(client_for_role("admin"), project_page, "xlsx")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert [row["post_id"] for row in rows] == [answer.pk, reply.pk, _gone.pk]
    assert rows[1]["text"] == "'@SUM(A1) als reactie"
    assert rows[0]["languages"] == "nl;ar"


def test_xlsx_export_has_no_formulas(
    client_for_role, project_page, topic_page, members, export_download
):
    for text in ('=HYPERLINK("http://x")', "+1", "-1", "@cmd"):
        post_write(topic_page, members[0], text)

    response = export_download(client_for_role("researcher"), project_page, "xlsx")

    sheet = xlsx_sheet(response)
    types = {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row}
    assert "f" not in types
    texts = [row[6].value for row in sheet.iter_rows(min_row=2)]
    assert all(text.startswith("'") for text in texts)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 2", "'+31 2"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("gewoon", "gewoon"),
        (3, 3),
        ("", ""),
    ],
)
def test_cell_safe_prefixes_formula_starts(value, expected):
    assert cell_safe(value) == expected


@pytest.mark.parametrize("posts", [5, 50])
def test_export_costs_the_same_queries_for_5_and_50_posts(
    project_page, topic_page, members, researcher, django_assert_num_queries, posts
):
    for member in members:
        profile = MemberProfile.objects.create(user=member, province=Province.LIMBURG)
        Child.objects.create(profile=profile, month=months_added(month_start(), -3))
        HomeLanguage.objects.create(profile=profile, language="fr")
    for number in range(posts):
        post_write(topic_page, members[number % 3], f"Tekst {number}.")
    jobs = [
        ExportJob.objects.create(
            requested_by=researcher, project=project_page, kind="posts", file_format=file_format
        )
        for file_format in ("csv", "xlsx")
    ]

    for job in jobs:
        with django_assert_num_queries(EXPORT_QUERIES):
            export_job_write(job_id=job.pk)

    assert [ExportJob.objects.get(pk=job.pk).rows_written for job in jobs] == [posts, posts]


# The job: read and claim it, count the posts; the posts, their children and languages (per
# chunk of 2000); progress, finishing it and the notification with its preference.
EXPORT_QUERIES = 15


@pytest.mark.parametrize(
    ("role", "expected", "starts"),
    [
        ("anonymous", HTTPStatus.FOUND, False),
        ("parent", HTTPStatus.FORBIDDEN, False),
        ("other_parent", HTTPStatus.FORBIDDEN, False),
        ("moderator", HTTPStatus.FOUND, False),
        ("researcher", HTTPStatus.FOUND, True),
        ("admin", HTTPStatus.FOUND, True),
    ],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_permission_matrix(
    client_for_role, project_page, role, expected, starts, file_format
):
    response = client_for_role(role).post(export_url(project_page, file_format))

    assert response.status_code == expected
    assert "attachment" not in response.get("Content-Disposition", "")
    assert ExportJob.objects.exists() is starts
    if starts:
        assert response["Location"] == "/admin/insights/exports/"


def test_statistics_page_starts_exports_with_a_form(client_for_role, project_page):
    html = client_for_role("researcher").get(statistics_url(project_page)).content.decode()

    assert f'action="{export_url(project_page, "csv")}"' in html
    assert f'formaction="{export_url(project_page, "xlsx")}"' in html
    assert 'method="post"' in html


def test_export_of_an_unknown_format_or_project_is_404(client_for_role, project_page):
    client = client_for_role("researcher")

    unknown = client.post(export_url(project_page, "json"))
    assert unknown.status_code != HTTPStatus.OK
    assert "attachment" not in unknown.get("Content-Disposition", "")
    assert client.post("/admin/projects/999999/export.csv").status_code == HTTPStatus.NOT_FOUND
    assert not ExportJob.objects.exists()
