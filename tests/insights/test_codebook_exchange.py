"""Import and export of a codebook as REFI-QDA (.qdc) and CSV: round trips, updates by GUID,
hostile and broken files refused with nothing changed, and errors reported per line."""

import csv
import io
import uuid
from http import HTTPStatus
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from wagtail.users.models import UserProfile

from insights.models import Code
from insights.services.codebook import code_create
from insights.services.codebook_exchange import (
    QDC_NAMESPACE,
    codebook_export_csv,
    codebook_export_qdc,
    codebook_import_csv,
    codebook_import_qdc,
)
from tests.projects.factories import ProjectPageFactory

pytestmark = pytest.mark.django_db

NS = {"qdc": QDC_NAMESPACE}
IMPORT_URL = "/admin/codebook/import/"
EXPORT_URL = "/admin/codebook/export/"


@pytest.fixture
def empty_project(project_index):
    return ProjectPageFactory(parent=project_index, title="Nieuw project", slug="nieuw-project")


@pytest.fixture
def codebook(researcher, project_page):
    """A project's codebook under a global main code: two levels, colours, descriptions."""
    access = code_create(
        user=researcher, name="Toegang", colour="#aa0000", description="Gebruik bij drempels."
    )
    waiting = code_create(
        user=researcher,
        name="Wachttijd",
        name_en="Waiting time",
        colour="#00aa00",
        description="Gebruik wanneer een ouder wacht.",
        parent=access,
        project=project_page,
    )
    sleep = code_create(user=researcher, name="Slaap", colour="#0000aa", project=project_page)
    formula = code_create(
        user=researcher, name='=HYPERLINK("x")', description="+31 tel", project=project_page
    )
    return {"access": access, "waiting": waiting, "sleep": sleep, "formula": formula}


def admin_in_english(user) -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def codes_snapshot(project) -> set[tuple]:
    return {
        (code.guid, code.name, code.colour, code.parent.guid if code.parent else None)
        for code in Code.objects.filter(project=project).select_related("parent")
    }


def qdc_file(codes_xml: str, namespace: str = QDC_NAMESPACE) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<CodeBook xmlns="{namespace}"><Codes>{codes_xml}</Codes></CodeBook>'
    ).encode()


def qdc_code(name: str, inner: str = "", guid: str | None = None, color: str = "#123456") -> str:
    return (
        f'<Code guid="{guid or uuid.uuid4()}" name="{name}" isCodable="true" color="{color}">'
        f"{inner}</Code>"
    )


# --- REFI-QDA ---


def test_the_qdc_export_nests_codes_in_the_codebook_namespace(codebook, project_page):
    root = ElementTree.fromstring(codebook_export_qdc(project=project_page))

    assert root.tag == f"{{{QDC_NAMESPACE}}}CodeBook"
    main = root.find("qdc:Codes/qdc:Code[@name='Toegang']", NS)
    assert main.get("guid") == str(codebook["access"].guid)
    assert main.get("isCodable") == "true"
    assert main.get("color") == "#AA0000"
    assert main.find("qdc:Description", NS).text == "Gebruik bij drempels."
    child = main.find("qdc:Code", NS)
    assert (child.get("name"), child.get("guid")) == ("Wachttijd", str(codebook["waiting"].guid))
    guids = [element.get("guid") for element in root.iter(f"{{{QDC_NAMESPACE}}}Code")]
    assert len(guids) == len(set(guids)) == 4


def test_the_global_codebook_export_holds_only_global_codes(codebook):
    root = ElementTree.fromstring(codebook_export_qdc(project=None))

    names = [element.get("name") for element in root.iter(f"{{{QDC_NAMESPACE}}}Code")]
    assert names == ["Toegang"]


def test_archived_codes_are_left_out_of_the_export(researcher, codebook, project_page):
    from insights.services.codebook import code_archive

    code_archive(user=researcher, code=codebook["sleep"])

    assert b'name="Slaap"' not in codebook_export_qdc(project=project_page)


def test_a_qdc_round_trip_into_an_empty_project_keeps_names_guids_nesting_and_colours(
    researcher, codebook, project_page, empty_project
):
    exported = codebook_export_qdc(project=project_page)

    result = codebook_import_qdc(user=researcher, project=empty_project, data=exported)

    assert (result.created, result.updated) == (3, 1)  # the global main code is the same one
    assert codes_snapshot(empty_project) == codes_snapshot(project_page)
    waiting = Code.objects.get(project=empty_project, name="Wachttijd")
    assert waiting.parent == codebook["access"]
    assert waiting.description == "Gebruik wanneer een ouder wacht."


def test_a_qdc_import_updates_the_code_with_the_same_guid_and_adds_the_others(
    researcher, codebook, project_page
):
    waiting = codebook["waiting"]
    data = qdc_file(
        qdc_code(
            "Toegang",
            guid=str(codebook["access"].guid),
            color="#AA0000",
            inner=qdc_code("Wachten", guid=str(waiting.guid), color="#ABCDEF")
            + qdc_code("Informatie"),
        )
    )

    result = codebook_import_qdc(user=researcher, project=project_page, data=data)

    assert (result.created, result.updated) == (1, 2)
    waiting.refresh_from_db()
    assert (waiting.name, waiting.colour, waiting.name_en) == ("Wachten", "#abcdef", "Waiting time")
    assert Code.objects.get(name="Informatie").parent == codebook["access"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="1b0e8a52-56d5-4c5e-9a3c-3b0c4c0b8b11" name="&lol4;" isCodable="true"/>
</Codes></CodeBook>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="1b0e8a52-56d5-4c5e-9a3c-3b0c4c0b8b11" name="&secret;" isCodable="true"/>
</Codes></CodeBook>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook SYSTEM "http://example.org/evil.dtd">
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>"""
MALFORMED = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"></Codes>'
WRONG_NAMESPACE = (
    b'<CodeBook xmlns="urn:QDA-XML:project:1.0"><Codes>'
    b'<Code guid="1b0e8a52-56d5-4c5e-9a3c-3b0c4c0b8b11" name="Wachttijd" isCodable="true"/>'
    b"</Codes></CodeBook>"
)
HOSTILE = {
    "billion_laughs": (BILLION_LAUGHS, "DTD"),
    "xxe": (XXE, "DTD"),
    "external_dtd": (EXTERNAL_DTD, "DTD"),
    "malformed": (MALFORMED, "not well-formed XML"),
    "wrong_namespace": (WRONG_NAMESPACE, "not a REFI-QDA codebook"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_or_broken_qdc_is_refused_and_nothing_changes(researcher, codebook, kind):
    data, _message = HOSTILE[kind]
    before = codes_snapshot(None)

    with pytest.raises(ValidationError) as error:
        codebook_import_qdc(user=researcher, project=None, data=data)

    assert "file" in error.value.message_dict
    assert codes_snapshot(None) == before
    assert not Code.objects.filter(name__contains="root:").exists()


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_import_page_shows_why_a_file_is_refused_at_the_file_field(
    client_for_role, researcher, codebook, project_page, kind
):
    data, message = HOSTILE[kind]
    count = Code.objects.count()

    client = client_for_role("researcher")
    admin_in_english(researcher)

    response = client.post(
        IMPORT_URL, {"project": project_page.pk, "file": SimpleUploadedFile("codes.qdc", data)}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert Code.objects.count() == count


def test_more_than_two_levels_in_a_qdc_are_refused(researcher, empty_project):
    data = qdc_file(qdc_code("Een", qdc_code("Twee", qdc_code("Drie"))))

    with translation.override("en"), pytest.raises(ValidationError) as error:
        codebook_import_qdc(user=researcher, project=empty_project, data=data)

    assert "Drie" in " ".join(error.value.messages)
    assert not Code.objects.exists()


def test_names_twice_in_a_qdc_are_refused_whatever_their_case(researcher, empty_project):
    data = qdc_file(qdc_code("Wachttijd") + qdc_code("WACHTTIJD"))

    with pytest.raises(ValidationError):
        codebook_import_qdc(user=researcher, project=empty_project, data=data)

    assert not Code.objects.exists()


def test_a_file_over_2_mb_is_refused(researcher, client_for_role):
    big = qdc_file(qdc_code("Wachttijd", f"<Description>{'x' * (2 * 1024 * 1024)}</Description>"))

    with pytest.raises(ValidationError) as error:
        codebook_import_qdc(user=researcher, project=None, data=big)
    assert "file" in error.value.message_dict

    response = client_for_role("researcher").post(
        IMPORT_URL, {"project": "", "file": SimpleUploadedFile("codes.qdc", big)}
    )
    assert response.context["form"].errors["file"]
    assert not Code.objects.exists()


def test_an_error_late_in_the_file_leaves_nothing_half_imported(researcher, empty_project):
    data = qdc_file(qdc_code("Wachttijd") + qdc_code("Slaap", color="rood"))

    with pytest.raises(ValidationError) as error:
        codebook_import_qdc(user=researcher, project=empty_project, data=data)

    assert "Slaap" in " ".join(error.value.messages)
    assert not Code.objects.exists()


def test_a_parent_cannot_import_a_codebook(parent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        codebook_import_qdc(user=parent, project=None, data=qdc_file(qdc_code("Wachttijd")))


# --- CSV ---


def test_the_csv_export_is_formula_safe_with_a_header_and_parents(codebook, project_page):
    text = codebook_export_csv(project=project_page)

    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "guid",
        "name",
        "name_en",
        "description",
        "colour",
        "parent",
        "project",
    ]
    by_name = {row["name"]: row for row in rows}
    assert by_name["Wachttijd"]["parent"] == str(codebook["access"].guid)
    assert by_name["Wachttijd"]["project"] == project_page.slug
    assert by_name["Toegang"]["project"] == ""
    assert '\'=HYPERLINK("x")' in by_name
    assert by_name['\'=HYPERLINK("x")']["description"] == "'+31 tel"


def test_a_csv_round_trip_into_an_empty_project(researcher, codebook, project_page, empty_project):
    data = codebook_export_csv(project=project_page).encode()

    codebook_import_csv(user=researcher, project=empty_project, data=data)

    assert codes_snapshot(empty_project) == codes_snapshot(project_page)
    assert Code.objects.get(project=empty_project, name__startswith="=").description == "+31 tel"


def test_a_csv_written_by_hand_with_semicolons_and_names_as_parents(researcher, empty_project):
    data = b"name;description;colour;parent\nToegang;Drempels;#aa0000;\nWachttijd;;;toegang\n"

    result = codebook_import_csv(user=researcher, project=empty_project, data=data)

    assert result.created == 2
    waiting = Code.objects.get(name="Wachttijd")
    assert (waiting.parent.name, waiting.colour) == ("Toegang", "#005a6e")


def test_a_csv_row_without_guid_updates_the_code_of_the_same_name(researcher, project_page):
    code = code_create(user=researcher, name="Wachttijd", project=project_page)

    result = codebook_import_csv(
        user=researcher, project=project_page, data=b"name,description\nwachttijd,Nieuw\n"
    )

    assert (result.created, result.updated) == (0, 1)
    code.refresh_from_db()
    assert code.description == "Nieuw"


def test_csv_import_errors_are_reported_per_line_and_nothing_changes(researcher, empty_project):
    data = (
        b"guid,name,colour,parent\n"
        b"not-a-guid,Een,#aa0000,\n"
        b",Twee,rood,\n"
        b",Drie,,Onbekend\n"
        b",Vier,,Twee\n"
        b",Vijf,,Vier\n"
        b",twee,,\n"
    )

    with translation.override("en"), pytest.raises(ValidationError) as error:
        codebook_import_csv(user=researcher, project=empty_project, data=data)
    messages = error.value.messages

    assert any(message.startswith("Line 2:") and "GUID" in message for message in messages)
    assert not Code.objects.exists()

    fixed_guid = data.replace(b"not-a-guid", str(uuid.uuid4()).encode())
    with translation.override("en"), pytest.raises(ValidationError) as error:
        codebook_import_csv(user=researcher, project=empty_project, data=fixed_guid)
    text = "\n".join(error.value.messages)

    assert "Line 7:" in text  # "twee" repeats "Twee"
    assert "Line 4:" in text  # no code "Onbekend"
    assert "Line 6:" in text  # a third level
    assert not Code.objects.exists()


def test_a_csv_bad_colour_is_reported_on_its_line(researcher, empty_project):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        codebook_import_csv(
            user=researcher, project=empty_project, data=b"name,colour\nEen,#aa0000\nTwee,rood\n"
        )

    assert any(message.startswith("Line 3:") for message in error.value.messages)
    assert not Code.objects.exists()


def test_a_csv_that_is_not_utf8_or_has_no_name_column_is_refused(researcher):
    for data in ("name\nCafé\n".encode("utf-16"), b"naam,kleur\nEen,#aa0000\n"):
        with pytest.raises(ValidationError) as error:
            codebook_import_csv(user=researcher, project=None, data=data)
        assert "file" in error.value.message_dict
    assert not Code.objects.exists()


# --- the admin pages ---


@pytest.mark.parametrize("file_format", ["csv", "qdc"])
def test_the_export_page_downloads_with_a_safe_filename(
    client_for_role, codebook, project_page, file_format
):
    response = client_for_role("moderator").get(
        EXPORT_URL, {"project": project_page.pk, "format": file_format}
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == (
        f'attachment; filename="codebook-{project_page.slug}.{file_format}"'
    )
    assert b"Wachttijd" in response.content


def test_the_import_page_imports_and_says_how_many(client_for_role, empty_project):
    response = client_for_role("moderator").post(
        IMPORT_URL,
        {
            "project": empty_project.pk,
            "file": SimpleUploadedFile("codes.csv", b"name,colour\nWachttijd,#aa0000\n"),
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Code.objects.get().project == empty_project.specific


def test_the_import_page_accepts_only_qdc_and_csv_files(client_for_role):
    response = client_for_role("moderator").post(
        IMPORT_URL, {"project": "", "file": SimpleUploadedFile("codes.xlsx", b"PK")}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]
