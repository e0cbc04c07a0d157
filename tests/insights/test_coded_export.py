"""Export of coded data (CSV, XLSX, REFI-QDA) and the import of a REFI-QDA project:
researchers and administrators only, formula-safe, no personal data, a valid QDPX that
imports back with the same codings. CSV and XLSX are made by an export job
(tests/insights/test_exports.py): here they are started and downloaded as a researcher does."""

import csv
import io
import zipfile
from http import HTTPStatus
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import PageLogEntry

from community.models import HomeLanguage, MemberProfile, Province, Role
from community.models.profiles import Child, month_start, months_added
from insights.models import Code, Excerpt, ExportJob
from insights.services.coded_export import CODED_COLUMNS
from insights.services.exports import export_download_token, export_job_write
from insights.services.qdpx import QDA_NAMESPACE, coded_qdpx, qdpx_import
from projects.models import PostStatus
from projects.post_text import post_plain_text
from tests.community.factories import UserFactory
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

NS = {"q": QDA_NAMESPACE}


def export_url(project, file_format: str) -> str:
    return f"/admin/insights/projects/{project.pk}/coded.{file_format}"


def import_url(project) -> str:
    return f"/admin/insights/projects/{project.pk}/import-qdpx/"


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def export_download(django_capture_on_commit_callbacks):
    """Start the CSV or XLSX export job (the task runs at once in tests) and download the
    file through its link; a REFI-QDA project is still answered by the request itself."""

    def start_and_download(client, project, file_format: str):
        if file_format == "qdpx":
            response = client.get(export_url(project, file_format))
            response.bytes = response.content
            return response
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


def xlsx_rows(response) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.bytes)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def coded(project_page, topic_page, moderator, researcher):
    """Two parents' posts coded by a moderator (one with a memo and a passage), a code
    nested under another, and a staff post."""
    first, second = UserFactory(), UserFactory()
    profile = MemberProfile.objects.create(user=first, province=Province.ANTWERPEN)
    Child.objects.create(profile=profile, month=months_added(month_start(), -6))
    Child.objects.create(profile=profile, month=months_added(month_start(), -24))
    HomeLanguage.objects.create(profile=profile, language="nl")
    HomeLanguage.objects.create(profile=profile, language="ar")
    main = CodeFactory(name="Wachttijd", colour="#aa0000", project=project_page)
    sub = CodeFactory(name="Telefoon", parent=main, project=project_page)
    other = CodeFactory(name="=Formule")
    first_post = post_write(topic_page, first, "We wachtten **drie weken** op een afspraak.")
    whole = excerpt_of(first_post, moderator, main, other, memo="@belangrijk: terugkoppelen")
    passage = excerpt_of(first_post, researcher, sub, start=3, end=29)
    reply = excerpt_of(
        post_write(topic_page, second, "=SUM(A1) niemand nam op", parent=first_post),
        moderator,
        sub,
    )
    staff = excerpt_of(
        post_write(topic_page, moderator, "Dank voor jullie reacties."), moderator, main
    )
    return {
        "people": (first, second),
        "codes": (main, sub, other),
        "excerpts": (whole, passage, reply, staff),
    }


# --- CSV and XLSX ---


def test_csv_has_one_row_per_excerpt_with_codes_and_profile(
    client_for_role, project_page, topic_page, coded, export_download
):
    first, second = coded["people"]
    whole, passage, reply, staff = coded["excerpts"]

    response = export_download(client_for_role("researcher"), project_page, "csv")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == CODED_COLUMNS
    by_id = {int(row["excerpt_id"]): row for row in rows}
    assert set(by_id) == {whole.pk, passage.pk, reply.pk, staff.pk}
    row = by_id[whole.pk]
    assert row["post_id"] == str(whole.post_id)
    assert row["topic"] == topic_page.title
    assert row["quote"] == "We wachtten drie weken op een afspraak."
    assert row["codes"] == "'=Formule; Wachttijd"
    assert row["memo"] == "'@belangrijk: terugkoppelen"
    assert row["author_id"] == first.research_id
    assert row["age_bands"] == "0-1;1-3"
    assert row["province"] == "antwerpen"
    assert row["languages"] == "nl;ar"
    assert row["coder"] == whole.coder.first_name
    assert by_id[passage.pk]["quote"] == "wachtten drie weken op een"
    assert by_id[reply.pk]["quote"] == "'=SUM(A1) niemand nam op"
    assert by_id[reply.pk]["author_id"] == second.research_id
    assert by_id[staff.pk]["author_id"] == ""


def test_xlsx_holds_the_same_rows_and_no_formulas(
    client_for_role, project_page, coded, export_download
):
    response = export_download(client_for_role("admin"), project_page, "xlsx")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert len(rows) == 4
    assert {row["quote"] for row in rows} >= {"'=SUM(A1) niemand nam op"}
    sheet = openpyxl.load_workbook(io.BytesIO(response.bytes)).active
    assert "f" not in {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row}


def test_exports_never_hold_email_pseudonym_or_name_of_a_parent(
    client_for_role, project_page, coded, export_download
):
    client = client_for_role("researcher")
    text = export_download(client, project_page, "csv").bytes.decode()
    workbook = export_download(client, project_page, "xlsx")
    cells = " ".join(str(value) for row in xlsx_rows(workbook) for value in row.values())
    archive = zipfile.ZipFile(io.BytesIO(export_download(client, project_page, "qdpx").bytes))
    qde = archive.read("project.qde").decode()

    for person in coded["people"]:
        for secret in (person.email, person.pseudonym, f"{person.first_name} {person.last_name}"):
            assert secret not in text
            assert secret not in cells
            assert secret not in qde
    for coder in {excerpt.coder for excerpt in coded["excerpts"]}:
        assert coder.email not in text + cells + qde


@pytest.mark.parametrize("count", [5, 50])
def test_export_costs_the_same_queries_for_5_and_50_excerpts(
    client_for_role,
    project_page,
    topic_page,
    moderator,
    researcher,
    django_assert_num_queries,
    count,
):
    code = CodeFactory()
    authors = [UserFactory() for _ in range(3)]
    for author in authors:
        profile = MemberProfile.objects.create(user=author, province=Province.LIMBURG)
        Child.objects.create(profile=profile, month=months_added(month_start(), -3))
        HomeLanguage.objects.create(profile=profile, language="fr")
    for number in range(count):
        excerpt_of(
            post_write(topic_page, authors[number % 3], f"Tekst {number}."),
            moderator,
            code,
            memo="memo",
        )
    jobs = [
        ExportJob.objects.create(
            requested_by=researcher,
            project=project_page,
            kind="coded_excerpts",
            file_format=file_format,
        )
        for file_format in ("csv", "xlsx")
    ]
    for job in jobs:
        with django_assert_num_queries(EXPORT_JOB_QUERIES):
            export_job_write(job_id=job.pk)
    client = client_for_role("researcher")
    client.get(export_url(project_page, "qdpx"))
    with django_assert_num_queries(QDPX_QUERIES):
        client.get(export_url(project_page, "qdpx"))

    assert [ExportJob.objects.get(pk=job.pk).rows_written for job in jobs] == [count, count]


# The job: read and claim it, count the excerpts; the excerpts, their coders' groups,
# codings and their coders' groups, children and languages (per chunk of 2000); progress,
# finishing it and the notification with its preference.
EXPORT_JOB_QUERIES = 18
# admin overhead plus the project, the codebook, the excerpts, their coders' groups,
# codings and their coders' groups, children and languages
QDPX_QUERIES = 12


EXPORT_MATRIX = [
    ("anonymous", HTTPStatus.FOUND),
    ("parent", HTTPStatus.FORBIDDEN),
    ("other_parent", HTTPStatus.FORBIDDEN),
    ("moderator", HTTPStatus.FOUND),
    ("researcher", HTTPStatus.OK),
    ("admin", HTTPStatus.OK),
    ("team_lead", HTTPStatus.FOUND),
    ("complaints_officer", HTTPStatus.FOUND),
]


@pytest.mark.parametrize(("role", "expected"), EXPORT_MATRIX)
def test_qdpx_export_permission_matrix(client_for_role, project_page, coded, role, expected):
    response = client_for_role(role).get(export_url(project_page, "qdpx"))

    assert response.status_code == expected
    if expected != HTTPStatus.OK:
        assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize(("role", "expected"), EXPORT_MATRIX)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_coded_export_job_permission_matrix(
    client_for_role, project_page, coded, role, expected, file_format
):
    response = client_for_role(role).post(export_url(project_page, file_format))

    starts = expected == HTTPStatus.OK
    assert response.status_code == (HTTPStatus.FOUND if starts else expected)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert ExportJob.objects.exists() is starts


@pytest.mark.parametrize(("role", "expected"), EXPORT_MATRIX)
def test_import_permission_matrix(client_for_role, project_page, role, expected):
    response = client_for_role(role).get(import_url(project_page))

    assert response.status_code == expected


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.ADMIN])
def test_staff_without_their_second_factor_never_export(client, project_page, coded, role):
    client.force_login(UserFactory(roles=[role], is_staff=role == Role.ADMIN))

    for file_format in ("csv", "xlsx", "qdpx"):
        response = client.get(export_url(project_page, file_format))
        assert response.status_code != HTTPStatus.OK
        assert "attachment" not in response.get("Content-Disposition", "")
        client.post(export_url(project_page, file_format))
    assert not ExportJob.objects.exists()


def test_export_of_an_unknown_format_or_project_is_not_served(client_for_role, project_page):
    client = client_for_role("researcher")

    unknown = client.get(export_url(project_page, "json"))
    assert unknown.status_code != HTTPStatus.OK
    assert "attachment" not in unknown.get("Content-Disposition", "")
    response = client.get("/admin/insights/projects/999999/coded.csv")
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- REFI-QDA project ---


def qde_of(data: bytes) -> tuple[zipfile.ZipFile, ElementTree.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive, ElementTree.fromstring(archive.read("project.qde"))


def test_qdpx_is_a_zip_with_the_required_elements_and_attributes(project_page, coded):
    archive, root = qde_of(coded_qdpx(project=project_page))

    assert root.tag == f"{{{QDA_NAMESPACE}}}Project"
    assert root.get("name") == project_page.title
    assert root.get("origin")
    assert [child.tag.split("}")[1] for child in root] == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
    ]
    for user in root.iterfind("q:Users/q:User", NS):
        assert user.get("guid") and user.get("name")
    codes = root.findall(".//q:CodeBook//q:Code", NS)
    assert codes
    for code in codes:
        assert code.get("guid") and code.get("name")
        assert code.get("isCodable") == "true"
        assert code.get("color").startswith("#") and len(code.get("color")) == 7
    main = root.find("q:CodeBook/q:Codes/q:Code[@name='Wachttijd']", NS)
    assert [child.get("name") for child in main.findall("q:Code", NS)] == ["Telefoon"]
    for variable in root.iterfind("q:Variables/q:Variable", NS):
        assert variable.get("typeOfVariable") == "Text"
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        for selection in source.iterfind("q:PlainTextSelection", NS):
            for name in ("guid", "name", "startPosition", "endPosition", "creatingUser"):
                assert selection.get(name), name
            assert selection.get("creationDateTime").endswith("Z")
            for coding in selection.iterfind("q:Coding", NS):
                assert coding.get("guid") and coding.get("creatingUser")
                assert coding.find("q:CodeRef", NS).get("targetGUID")
    assert all(name == "project.qde" or name.startswith("Sources/") for name in archive.namelist())


def test_qdpx_of_a_project_without_codings_has_no_empty_lists(project_index):
    empty = ProjectPageFactory(parent=project_index)

    _archive, root = qde_of(coded_qdpx(project=empty))

    # Users, Cases, Sources and Notes need at least one child in the schema.
    assert [child.tag.split("}")[1] for child in root] == ["Variables"]


def test_qdpx_guids_are_unique_and_every_reference_resolves(project_page, coded):
    archive, root = qde_of(coded_qdpx(project=project_page))

    guids = [element.get("guid") for element in root.iter() if element.get("guid")]
    assert len(guids) == len(set(guids))
    users = {user.get("guid") for user in root.iterfind("q:Users/q:User", NS)}
    known = set(guids)
    for element in root.iter():
        if element.get("creatingUser"):
            assert element.get("creatingUser") in users
        if element.get("targetGUID"):
            assert element.get("targetGUID") in known
    sources = {source.get("guid") for source in root.iterfind("q:Sources/q:TextSource", NS)}
    code_guids = {code.get("guid") for code in root.iterfind(".//q:Code", NS)}
    for reference in root.iterfind("q:Cases/q:Case/q:SourceRef", NS):
        assert reference.get("targetGUID") in sources
    for reference in root.iterfind(".//q:Coding/q:CodeRef", NS):
        assert reference.get("targetGUID") in code_guids
    notes = {note.get("guid") for note in root.iterfind("q:Notes/q:Note", NS)}
    for reference in root.iterfind(".//q:PlainTextSelection/q:NoteRef", NS):
        assert reference.get("targetGUID") in notes


def test_qdpx_guids_are_stable_between_exports(project_page, coded):
    first = qde_of(coded_qdpx(project=project_page))[1]
    second = qde_of(coded_qdpx(project=project_page))[1]

    def guids(root):
        return [element.get("guid") for element in root.iter() if element.get("guid")]

    assert guids(first) == guids(second)
    assert str(coded["codes"][0].guid) in guids(first)


def test_qdpx_text_files_match_the_selection_offsets(project_page, coded):
    archive, root = qde_of(coded_qdpx(project=project_page))
    quotes = {str(excerpt.pk): excerpt.quote for excerpt in coded["excerpts"]}

    selections = 0
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        text = archive.read(f"Sources/{source.get('guid')}.txt").decode("utf-8")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] in quotes.values()
            selections += 1
    assert selections == 4


def test_qdpx_cases_are_parents_with_their_profile_variables(project_page, coded):
    first, second = coded["people"]
    _archive, root = qde_of(coded_qdpx(project=project_page))
    variables = {
        variable.get("guid"): variable.get("name")
        for variable in root.iterfind("q:Variables/q:Variable", NS)
    }

    cases = {case.get("name"): case for case in root.iterfind("q:Cases/q:Case", NS)}
    assert set(cases) == {first.research_id, second.research_id}
    values = {
        variables[value.find("q:VariableRef", NS).get("targetGUID")]: value.findtext(
            "q:TextValue", namespaces=NS
        )
        for value in cases[first.research_id].iterfind("q:VariableValue", NS)
    }
    assert values == {"age_bands": "0-1;1-3", "province": "antwerpen", "languages": "nl;ar"}
    assert len(cases[first.research_id].findall("q:SourceRef", NS)) == 1


def test_qdpx_memos_are_notes(project_page, coded):
    _archive, root = qde_of(coded_qdpx(project=project_page))

    notes = root.findall("q:Notes/q:Note", NS)
    assert [note.findtext("q:PlainTextContent", namespaces=NS) for note in notes] == [
        "@belangrijk: terugkoppelen"
    ]


def test_qdpx_leaves_out_excerpts_whose_quote_was_removed(project_page, coded):
    whole = coded["excerpts"][0]
    Excerpt.objects.filter(pk=whole.pk).update(quote="")

    _archive, root = qde_of(coded_qdpx(project=project_page))

    assert len(root.findall(".//q:PlainTextSelection", NS)) == 3


def test_qdpx_never_holds_the_text_of_a_post_its_author_removed(project_page, coded):
    reply = coded["excerpts"][2]
    reply.post.removed_at = timezone.now()
    reply.post.save()

    archive, root = qde_of(coded_qdpx(project=project_page))

    texts = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert "niemand nam op" not in texts
    assert len(root.findall(".//q:PlainTextSelection", NS)) == 3


def test_qdpx_finds_a_quote_again_after_the_author_edited_the_post(project_page, coded):
    whole, passage, _reply, _staff = coded["excerpts"]
    post = passage.post
    post.body = "<p>Eerst dit. We wachtten <strong>drie weken</strong> op een afspraak.</p>"
    post.save()

    archive, root = qde_of(coded_qdpx(project=project_page))

    source = root.find("q:Sources/q:TextSource", NS)
    text = archive.read(f"Sources/{source.get('guid')}.txt").decode()
    found = {
        text[int(selection.get("startPosition")) : int(selection.get("endPosition"))]
        for selection in source.iterfind("q:PlainTextSelection", NS)
    }
    assert found == {whole.quote, passage.quote}


# --- import ---


def codings_of(project) -> set[tuple[str, str, int, int]]:
    return {
        (coding.code.name, excerpt.quote, excerpt.start, excerpt.end)
        for excerpt in Excerpt.objects.filter(project=project).prefetch_related("codings__code")
        for coding in excerpt.codings.all()
    }


@pytest.fixture
def twin_project(project_index, project_page, coded):
    """A project with posts of the same text as the coded one, and no codes or codings."""
    twin = ProjectPageFactory(parent=project_index, title="Tweeling")
    topic = TopicPageFactory(parent=twin)
    for post in {excerpt.post for excerpt in coded["excerpts"]}:
        post_write(topic, post.author, post.text, status=PostStatus.PUBLISHED)
    return twin


def test_qdpx_imports_back_into_another_project_with_the_same_codings(
    project_page, coded, twin_project, researcher
):
    data = coded_qdpx(project=project_page)

    result = qdpx_import(user=researcher, project=twin_project, file=io.BytesIO(data))

    assert codings_of(twin_project) == codings_of(project_page)
    assert result.excerpts_created == 4
    assert result.codings_created == 5
    assert result.sources_unmatched == []
    # The project's own codes come over as new codes of the twin, nested as they were;
    # the global code is the same code.
    twin_codes = Code.objects.filter(project=twin_project)
    assert {code.name for code in twin_codes} == {"Wachttijd", "Telefoon"}
    assert twin_codes.get(name="Telefoon").parent.name == "Wachttijd"
    assert {code.guid for code in twin_codes} == {code.guid for code in coded["codes"][:2]}
    assert result.codes_created == 2
    memo = Excerpt.objects.filter(project=twin_project).exclude(memo="").get()
    assert memo.memo == "@belangrijk: terugkoppelen"
    assert Excerpt.objects.filter(project=twin_project, coder=researcher).count() == 4
    first = coded["people"][0]
    assert set(
        Excerpt.objects.filter(project=twin_project).values_list("author_key", flat=True)
    ) == {first.research_id, coded["people"][1].research_id, ""}
    assert PageLogEntry.objects.filter(
        page=twin_project, action="insights.coded_data_imported"
    ).exists()


def test_importing_twice_adds_nothing(project_page, coded, twin_project, researcher):
    data = coded_qdpx(project=project_page)
    qdpx_import(user=researcher, project=twin_project, file=io.BytesIO(data))

    again = qdpx_import(user=researcher, project=twin_project, file=io.BytesIO(data))

    assert (again.codes_created, again.excerpts_created, again.codings_created) == (0, 0, 0)


def test_import_skips_texts_that_match_no_post(project_index, project_page, coded, researcher):
    empty = ProjectPageFactory(parent=project_index)

    result = qdpx_import(
        user=researcher, project=empty, file=io.BytesIO(coded_qdpx(project=project_page))
    )

    assert len(result.sources_unmatched) == 3
    assert not Excerpt.objects.filter(project=empty).exists()


def qdpx_with(qde: bytes, **files: bytes) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, content in files.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


HOSTILE_FILES = [
    b"not a zip at all",
    qdpx_with(b"<Project").getvalue(),
    qdpx_with(
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
    ).getvalue(),
    qdpx_with(
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    ).getvalue(),
    qdpx_with(b'<Other xmlns="urn:QDA-XML:project:1.0"/>').getvalue(),
]


@pytest.mark.parametrize("data", HOSTILE_FILES)
def test_a_malformed_or_hostile_file_is_refused_and_changes_nothing(project_page, researcher, data):
    with pytest.raises(ValidationError):
        qdpx_import(user=researcher, project=project_page, file=io.BytesIO(data))

    assert not Code.objects.exists()


def test_a_selection_outside_its_text_changes_nothing(
    project_page, coded, twin_project, researcher
):
    archive, root = qde_of(coded_qdpx(project=project_page))
    selection = root.find(".//q:PlainTextSelection", NS)
    selection.set("endPosition", "100000")
    files = {name: archive.read(name) for name in archive.namelist() if name != "project.qde"}
    broken = qdpx_with(ElementTree.tostring(root), **files)
    codes_before = Code.objects.count()

    with pytest.raises(ValidationError):
        qdpx_import(user=researcher, project=twin_project, file=broken)

    assert Code.objects.count() == codes_before
    assert not Excerpt.objects.filter(project=twin_project).exists()


def test_import_view_adds_the_codings_and_reports(
    client_for_role, project_page, coded, twin_project
):
    data = coded_qdpx(project=project_page)
    client = client_for_role("researcher")
    upload = io.BytesIO(data)
    upload.name = "project.qdpx"

    response = client.post(import_url(twin_project), {"file": upload})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/insights/projects/{twin_project.pk}/analysis/"
    assert codings_of(twin_project) == codings_of(project_page)


def test_import_view_shows_the_error_next_to_the_file(client_for_role, project_page):
    upload = io.BytesIO(b"no zip")
    upload.name = "project.qdpx"

    response = client_for_role("admin").post(import_url(project_page), {"file": upload})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
    assert not Code.objects.exists()


def test_plain_text_of_sources_is_the_one_function(project_page, coded):
    archive, root = qde_of(coded_qdpx(project=project_page))
    post = coded["excerpts"][0].post

    texts = {
        archive.read(f"Sources/{source.get('guid')}.txt").decode()
        for source in root.iterfind("q:Sources/q:TextSource", NS)
    }
    assert post_plain_text(post.body) in texts


def test_import_view_shows_a_code_error_next_to_the_file(client_for_role, project_page):
    qde = (
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
        b'<Code guid="6f1c2f4e-8d0b-4a53-9a55-2b9c1f0e7a99" name="  " isCodable="true"/>'
        b"</Codes></CodeBook></Project>"
    )
    upload = qdpx_with(qde)
    upload.name = "project.qdpx"

    response = client_for_role("researcher").post(import_url(project_page), {"file": upload})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
    assert not Code.objects.exists()
