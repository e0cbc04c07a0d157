"""The codebook: validation, archive versus delete, merging, the locked global codebook for
moderators, and the admin pages for codes with their permission matrix."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from insights.models import Code, Coding
from insights.services.codebook import (
    code_archive,
    code_create,
    code_delete,
    code_merge,
    code_restore,
    code_update,
)
from tests.community.factories import UserFactory
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import ProjectPageFactory, post_write

pytestmark = pytest.mark.django_db

ALL_ROLES = [
    "anonymous",
    "parent",
    "other_parent",
    "moderator",
    "researcher",
    "admin",
    "team_lead",
    "complaints_officer",
]
CODE_MANAGERS = {"moderator", "researcher", "admin"}


def denied(status: int) -> bool:
    """Wagtail answers a visitor with the login page and a signed-in outsider with 403 (or,
    for a staff account without the right, back to the admin's start page)."""
    return status in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def logs_of(code: Code, action: str) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(object_id=str(code.pk), action=action))


@pytest.fixture
def other_project(project_index):
    return ProjectPageFactory(parent=project_index, title="Voeding", title_en="Feeding")


@pytest.fixture
def post(topic_page, parent):
    return post_write(topic_page, parent, "We wachten te lang op een afspraak bij de arts.")


# --- validation ---


def test_a_code_goes_at_most_two_levels_deep(researcher):
    main = code_create(user=researcher, name="Toegang")
    child = code_create(user=researcher, name="Wachttijd", parent=main)

    with pytest.raises(ValidationError) as error:
        code_create(user=researcher, name="Te lang", parent=child)

    assert "parent" in error.value.message_dict
    assert not Code.objects.filter(name="Te lang").exists()


def test_a_main_code_with_codes_under_it_cannot_move_under_another(researcher):
    main = code_create(user=researcher, name="Toegang")
    code_create(user=researcher, name="Wachttijd", parent=main)
    other = code_create(user=researcher, name="Informatie")

    with pytest.raises(ValidationError) as error:
        code_update(user=researcher, code=main, parent=other)

    assert "parent" in error.value.message_dict


def test_a_parent_from_another_project_is_refused(researcher, project_page, other_project):
    foreign = code_create(user=researcher, name="Voeding", project=other_project)

    with pytest.raises(ValidationError) as error:
        code_create(user=researcher, name="Slaap", parent=foreign, project=project_page)

    assert "parent" in error.value.message_dict


def test_a_project_code_may_sit_under_a_global_code(researcher, project_page):
    main = code_create(user=researcher, name="Toegang")

    child = code_create(user=researcher, name="Wachttijd", parent=main, project=project_page)

    assert child.parent == main


@pytest.mark.parametrize("scope", ["global", "project"])
def test_names_are_unique_in_a_codebook_whatever_their_case(researcher, project_page, scope):
    project = project_page if scope == "project" else None
    code_create(user=researcher, name="Wachttijd", project=project)

    with pytest.raises(ValidationError):
        code_create(user=researcher, name="  WACHTTIJD ", project=project)

    assert Code.objects.count() == 1


def test_the_same_name_may_live_in_two_projects(researcher, project_page, other_project):
    code_create(user=researcher, name="Wachttijd", project=project_page)

    code_create(user=researcher, name="wachttijd", project=other_project)

    assert Code.objects.count() == 2


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#GGGGGG", "005a6e"])
def test_a_colour_must_be_hexadecimal(researcher, colour):
    with pytest.raises(ValidationError) as error:
        code_create(user=researcher, name="Wachttijd", colour=colour)

    assert "colour" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "Wachttijd", "name_en": "x" * 10_000}, "name_en"),
        ({"name": "Wachttijd", "description": "x" * 10_000}, "description"),
    ],
)
def test_empty_and_overlong_names_and_descriptions_are_refused(researcher, fields, field):
    with pytest.raises(ValidationError) as error:
        code_create(user=researcher, **fields)

    assert field in error.value.message_dict
    assert not Code.objects.exists()


def test_a_code_without_description_or_english_name_is_fine(researcher):
    code = code_create(user=researcher, name="Wachttijd")

    assert code.description == ""
    assert code.colour == "#005a6e"


def test_adding_and_changing_a_code_is_audited(researcher):
    code = code_create(user=researcher, name="Wachttijd")
    code_update(user=researcher, code=code, name="Wachttijden", colour="#aa0000")

    assert logs_of(code, "insights.code_created")[0].user == researcher
    changed = logs_of(code, "insights.code_changed")[0]
    assert changed.data["fields"] == ["colour", "name"]


def test_a_code_used_in_a_project_cannot_move_to_another(
    researcher, moderator, post, other_project
):
    code = code_create(user=researcher, name="Wachttijd")
    excerpt_of(post, moderator, code)

    with pytest.raises(ValidationError) as error:
        code_update(user=researcher, code=code, project=other_project)

    assert "project" in error.value.message_dict


@pytest.mark.parametrize("who", ["parent", "team_lead", "complaints_officer", "no_second_factor"])
def test_only_community_staff_manage_codes(who, request, moderator):
    if who == "no_second_factor":
        user = moderator
        user.second_factor_passed = False
    else:
        user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        code_create(user=user, name="Wachttijd")


# --- archive, restore and delete ---


def test_an_unused_code_can_be_deleted_and_the_deletion_is_audited(researcher):
    code = code_create(user=researcher, name="Wachttijd")
    pk = code.pk

    code_delete(user=researcher, code=code)

    assert not Code.objects.filter(pk=pk).exists()
    assert ModelLogEntry.objects.filter(object_id=str(pk), action="insights.code_deleted").exists()


def test_a_used_code_is_archived_not_deleted(researcher, moderator, post):
    code = code_create(user=researcher, name="Wachttijd")
    excerpt_of(post, moderator, code)

    with pytest.raises(ValidationError):
        code_delete(user=researcher, code=code)
    code_archive(user=researcher, code=code)

    code.refresh_from_db()
    assert code.is_archived
    assert code.codings.count() == 1
    assert logs_of(code, "insights.code_archived")


def test_an_archived_code_is_not_offered_for_coding_until_restored(researcher, project_page):
    code = code_create(user=researcher, name="Wachttijd", project=project_page)

    code_archive(user=researcher, code=code)
    assert code not in Code.objects.active().for_project(project_page.pk)

    code_restore(user=researcher, code=code)
    assert code in Code.objects.active().for_project(project_page.pk)
    assert logs_of(code, "insights.code_restored")


def test_archiving_takes_the_codes_under_it_along_and_restoring_brings_them_back(researcher):
    main = code_create(user=researcher, name="Toegang")
    child = code_create(user=researcher, name="Wachttijd", parent=main)

    code_archive(user=researcher, code=main)
    child.refresh_from_db()
    assert child.is_archived

    with pytest.raises(ValidationError):
        code_restore(user=researcher, code=child)

    code_restore(user=researcher, code=main)
    child.refresh_from_db()
    assert not child.is_archived


def test_a_code_with_codes_under_it_cannot_be_deleted(researcher):
    main = code_create(user=researcher, name="Toegang")
    code_create(user=researcher, name="Wachttijd", parent=main)

    with pytest.raises(ValidationError):
        code_delete(user=researcher, code=main)

    assert Code.objects.count() == 2


# --- merge ---


def test_merging_moves_the_codings_and_drops_the_ones_that_would_repeat(
    researcher, moderator, post, topic_page, other_parent
):
    source = code_create(user=researcher, name="Wachten")
    target = code_create(user=researcher, name="Wachttijd")
    both = excerpt_of(post, moderator, source, target)
    only_source = excerpt_of(
        post_write(topic_page, other_parent, "Drie weken wachten."), moderator, source
    )

    code_merge(user=researcher, source=source, target=target)

    assert not Coding.objects.filter(code=source).exists()
    assert list(both.codings.values_list("code", flat=True)) == [target.pk]
    assert list(only_source.codings.values_list("code", flat=True)) == [target.pk]
    source.refresh_from_db()
    assert source.is_archived


def test_merging_moves_the_codes_under_the_source(researcher):
    source = code_create(user=researcher, name="Wachten")
    child = code_create(user=researcher, name="Bij de arts", parent=source)
    target = code_create(user=researcher, name="Wachttijd")

    code_merge(user=researcher, source=source, target=target)

    child.refresh_from_db()
    assert child.parent == target


def test_a_merge_is_audited_with_both_codes(researcher, moderator, post):
    source = code_create(user=researcher, name="Wachten")
    target = code_create(user=researcher, name="Wachttijd")
    excerpt_of(post, moderator, source, target)

    code_merge(user=researcher, source=source, target=target)

    for code in (source, target):
        entry = logs_of(code, "insights.code_merged")[0]
        assert entry.user == researcher
        assert entry.data["source"]["id"] == source.pk
        assert entry.data["target"]["id"] == target.pk
        assert entry.data["codings_dropped"] == 1


def test_merging_into_a_code_of_another_project_or_into_itself_is_refused(
    researcher, project_page, other_project
):
    source = code_create(user=researcher, name="Wachten", project=project_page)
    foreign = code_create(user=researcher, name="Wachttijd", project=other_project)

    for target in (foreign, source):
        with pytest.raises(ValidationError) as error:
            code_merge(user=researcher, source=source, target=target)
        assert "target" in error.value.message_dict
    source.refresh_from_db()
    assert not source.is_archived


def test_a_code_with_codes_under_it_merges_only_into_a_main_code(researcher):
    source = code_create(user=researcher, name="Wachten")
    code_create(user=researcher, name="Bij de arts", parent=source)
    main = code_create(user=researcher, name="Toegang")
    target = code_create(user=researcher, name="Wachttijd", parent=main)

    with pytest.raises(ValidationError):
        code_merge(user=researcher, source=source, target=target)


# --- the locked codebook ---


@pytest.mark.parametrize("operation", ["delete", "merge", "archive", "restore"])
def test_a_moderator_cannot_delete_merge_or_archive_global_codes(moderator, researcher, operation):
    code = code_create(user=researcher, name="Wachten")
    other = code_create(user=researcher, name="Wachttijd")
    if operation == "restore":
        code_archive(user=researcher, code=code)
    run = {
        "delete": lambda: code_delete(user=moderator, code=code),
        "merge": lambda: code_merge(user=moderator, source=code, target=other),
        "archive": lambda: code_archive(user=moderator, code=code),
        "restore": lambda: code_restore(user=moderator, code=code),
    }[operation]

    with pytest.raises(PermissionDenied):
        run()

    assert Code.objects.count() == 2


def test_a_moderator_may_merge_and_delete_codes_of_a_project(moderator, project_page):
    source = code_create(user=moderator, name="Wachten", project=project_page)
    target = code_create(user=moderator, name="Wachttijd", project=project_page)
    spare = code_create(user=moderator, name="Reserve", project=project_page)

    code_merge(user=moderator, source=source, target=target)
    code_delete(user=moderator, code=spare)

    assert list(Code.objects.values_list("name", flat=True)) == ["Wachten", "Wachttijd"]


def test_a_moderator_cannot_move_a_global_code_into_a_project(moderator, researcher, project_page):
    code = code_create(user=researcher, name="Wachten")

    with pytest.raises(PermissionDenied):
        code_update(user=moderator, code=code, project=project_page)


def test_a_moderator_who_is_also_a_researcher_may_merge_global_codes(db):
    from community.models import Role

    both = UserFactory(roles=[Role.MODERATOR, Role.RESEARCHER])
    source = code_create(user=both, name="Wachten")
    target = code_create(user=both, name="Wachttijd")

    code_merge(user=both, source=source, target=target)

    source.refresh_from_db()
    assert source.is_archived


# --- the admin ---


CODEBOOK = "/admin/codebook/"


def admin_urls(code: Code) -> list[str]:
    return [
        CODEBOOK,
        f"{CODEBOOK}add/",
        f"{CODEBOOK}edit/{code.pk}/",
        f"{CODEBOOK}delete/{code.pk}/",
        f"{CODEBOOK}archive/{code.pk}/",
        f"{CODEBOOK}merge/{code.pk}/",
        f"{CODEBOOK}import/",
        f"{CODEBOOK}export/",
        f"{CODEBOOK}export/?project=&format=csv",
        f"{CODEBOOK}export/?project=&format=qdc",
        f"{CODEBOOK}results/",
        f"{CODEBOOK}history/{code.pk}/",
        f"{CODEBOOK}usage/{code.pk}/",
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_codebook_admin_permission_matrix(client_for_role, project_page, role):
    code = CodeFactory(name="Wachttijd", project=project_page)
    archived = CodeFactory(name="Oud", project=project_page, archived_at="2026-01-01T00:00Z")
    client = client_for_role(role)

    for url in [*admin_urls(code), f"{CODEBOOK}restore/{archived.pk}/"]:
        response = client.get(url)
        if role in CODE_MANAGERS:
            assert response.status_code == HTTPStatus.OK, url
        else:
            assert denied(response.status_code), (url, response.status_code)
            assert "attachment" not in response.get("Content-Disposition", "")
            assert b"Wachttijd" not in response.content


@pytest.mark.parametrize("role", [role for role in ALL_ROLES if role not in CODE_MANAGERS])
def test_outsiders_cannot_change_codes_in_the_admin(client_for_role, project_page, role):
    code = CodeFactory(name="Wachttijd", project=project_page)
    target = CodeFactory(name="Wachten", project=project_page)
    client = client_for_role(role)

    posts = [
        (f"{CODEBOOK}add/", {"name": "Nieuw", "colour": "#005a6e"}),
        (f"{CODEBOOK}edit/{code.pk}/", {"name": "Anders", "colour": "#005a6e"}),
        (f"{CODEBOOK}delete/{code.pk}/", {}),
        (f"{CODEBOOK}archive/{code.pk}/", {}),
        (f"{CODEBOOK}merge/{code.pk}/", {"target": target.pk}),
    ]
    for url, data in posts:
        assert denied(client.post(url, data).status_code), url

    code.refresh_from_db()
    assert (code.name, code.archived_at) == ("Wachttijd", None)
    assert Code.objects.count() == 2


def test_the_codebook_lists_codes_with_swatch_filters_and_search(client_for_role, project_page):
    CodeFactory(name="Wachttijd", colour="#aa0000", project=project_page)
    CodeFactory(name="Informatie", colour="#00aa00")
    client = client_for_role("moderator")

    page = client.get(CODEBOOK).content.decode()
    assert 'fill="#aa0000"' in page
    assert "Informatie" in page

    only_project = client.get(f"{CODEBOOK}?project={project_page.pk}").content.decode()
    assert "Wachttijd" in only_project
    assert "Informatie" not in only_project

    found = client.get(f"{CODEBOOK}?q=infor").content.decode()
    assert "Informatie" in found
    assert "Wachttijd" not in found


def test_the_codebook_filters_archived_codes(client_for_role):
    CodeFactory(name="Actief")
    CodeFactory(name="Vergeten", archived_at="2026-01-01T00:00Z")
    client = client_for_role("researcher")

    archived = client.get(f"{CODEBOOK}?archived=true").content.decode()
    active = client.get(f"{CODEBOOK}?archived=false").content.decode()

    assert "Vergeten" in archived and "Actief" not in archived
    assert "Actief" in active and "Vergeten" not in active


# admin overhead (session, user, 2FA, menu) plus the codes with their projects, parents and
# counts, and the filters' project list
CODEBOOK_QUERIES = 11


@pytest.mark.parametrize("codes", [5, 50])
def test_the_codebook_costs_the_same_queries_for_5_and_50_codes(
    client_for_role, project_page, moderator, post, django_assert_num_queries, codes
):
    main = CodeFactory(name="Hoofdcode", project=project_page)
    for number in range(codes):
        code = CodeFactory(name=f"Code {number:02}", parent=main, project=project_page)
        excerpt_of(post, moderator, code, start=0, end=number + 1)
    client = client_for_role("moderator")
    client.get(CODEBOOK)

    with django_assert_num_queries(CODEBOOK_QUERIES):
        response = client.get(CODEBOOK)

    assert response.status_code == HTTPStatus.OK


def test_adding_a_code_in_the_admin_goes_through_the_service(client_for_role, project_page):
    client = client_for_role("moderator")

    response = client.post(
        f"{CODEBOOK}add/",
        {
            "name": "Wachttijd",
            "name_en": "Waiting time",
            "description": "Gebruik wanneer een ouder over wachten spreekt.",
            "colour": "#aa0000",
            "project": project_page.pk,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    code = Code.objects.get()
    assert (code.project, code.colour) == (project_page.specific, "#aa0000")
    assert logs_of(code, "insights.code_created")


def test_a_bad_code_in_the_admin_shows_the_error_at_the_field(client_for_role):
    CodeFactory(name="Wachttijd")
    client = client_for_role("moderator")

    response = client.post(f"{CODEBOOK}add/", {"name": "wachttijd", "colour": "rood"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert Code.objects.count() == 1


def test_changing_a_code_in_the_admin_is_audited(client_for_role):
    code = CodeFactory(name="Wachttijd")
    client = client_for_role("moderator")

    response = client.post(
        f"{CODEBOOK}edit/{code.pk}/", {"name": "Wachttijden", "colour": "#005a6e"}
    )

    assert response.status_code == HTTPStatus.FOUND
    code.refresh_from_db()
    assert code.name == "Wachttijden"
    assert logs_of(code, "insights.code_changed")


@pytest.mark.parametrize("operation", ["delete", "merge", "archive"])
def test_a_moderator_cannot_delete_merge_or_archive_global_codes_in_the_admin(
    client_for_role, operation
):
    code = CodeFactory(name="Wachttijd")
    target = CodeFactory(name="Wachten")
    client = client_for_role("moderator")
    url = f"{CODEBOOK}{operation}/{code.pk}/"

    assert denied(client.get(url).status_code)
    assert denied(client.post(url, {"target": target.pk}).status_code)

    code.refresh_from_db()
    assert code.archived_at is None


def test_a_moderator_sees_no_delete_or_merge_for_global_codes(client_for_role, project_page):
    glob = CodeFactory(name="Wachttijd")
    own = CodeFactory(name="Slaap", project=project_page)
    page = client_for_role("moderator").get(CODEBOOK).content.decode()

    assert f"{CODEBOOK}merge/{glob.pk}/" not in page
    assert f"{CODEBOOK}delete/{glob.pk}/" not in page
    assert f"{CODEBOOK}merge/{own.pk}/" in page
    assert f"{CODEBOOK}delete/{own.pk}/" in page


def test_a_researcher_merges_global_codes_in_the_admin(client_for_role, moderator, post):
    source = CodeFactory(name="Wachten")
    target = CodeFactory(name="Wachttijd")
    excerpt_of(post, moderator, source)
    client = client_for_role("researcher")

    response = client.post(f"{CODEBOOK}merge/{source.pk}/", {"target": target.pk})

    assert response.status_code == HTTPStatus.FOUND
    assert target.codings.count() == 1
    assert logs_of(target, "insights.code_merged")


def test_deleting_a_used_code_in_the_admin_leads_to_archiving(client_for_role, moderator, post):
    code = CodeFactory(name="Wachttijd")
    excerpt_of(post, moderator, code)
    client = client_for_role("researcher")

    response = client.post(f"{CODEBOOK}delete/{code.pk}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{CODEBOOK}archive/{code.pk}/"
    assert Code.objects.filter(pk=code.pk).exists()
    assert f"{CODEBOOK}delete/{code.pk}/" not in client.get(CODEBOOK).content.decode()


def test_deleting_an_unused_code_in_the_admin_is_audited(client_for_role):
    code = CodeFactory(name="Wachttijd")
    pk = code.pk

    response = client_for_role("researcher").post(f"{CODEBOOK}delete/{pk}/")

    assert response.status_code == HTTPStatus.FOUND
    assert not Code.objects.filter(pk=pk).exists()
    assert ModelLogEntry.objects.filter(object_id=str(pk), action="insights.code_deleted").exists()


def test_archive_and_restore_in_the_admin(client_for_role, project_page):
    code = CodeFactory(name="Wachttijd", project=project_page)
    client = client_for_role("moderator")

    assert client.post(f"{CODEBOOK}archive/{code.pk}/").status_code == HTTPStatus.FOUND
    code.refresh_from_db()
    assert code.is_archived

    assert client.post(f"{CODEBOOK}restore/{code.pk}/").status_code == HTTPStatus.FOUND
    code.refresh_from_db()
    assert not code.is_archived


def test_the_edit_page_offers_archive_and_merge_to_whoever_may(client_for_role, project_page):
    glob = CodeFactory(name="Wachttijd")
    own = CodeFactory(name="Slaap", project=project_page)
    client = client_for_role("moderator")

    assert f"{CODEBOOK}merge/{own.pk}/" in client.get(f"{CODEBOOK}edit/{own.pk}/").content.decode()
    global_page = client.get(f"{CODEBOOK}edit/{glob.pk}/").content.decode()
    assert f"{CODEBOOK}merge/{glob.pk}/" not in global_page
    assert f"{CODEBOOK}archive/{glob.pk}/" not in global_page


def test_bulk_delete_of_codes_is_refused(client_for_role):
    code = CodeFactory(name="Wachttijd")
    client = client_for_role("researcher")

    response = client.post(f"/admin/bulk/insights/code/delete/?id={code.pk}")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == CODEBOOK
    assert Code.objects.filter(pk=code.pk).exists()


@pytest.mark.parametrize(("role", "shown"), [("moderator", True), ("team_lead", False)])
def test_the_codebook_menu_item_shows_for_code_managers_only(client_for_role, role, shown):
    page = client_for_role(role).get("/admin/").content.decode()

    assert (f'"{CODEBOOK}"' in page) is shown
