"""Public updates ("Jullie zeiden, wij deden"): writing and publishing in the admin, the
notifications to the parents behind the evidence, the member's section and the project page."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from community.models import Notification, NotificationKind, Role
from insights.models import (
    ActionStatus,
    InsightEvidence,
    InsightStatus,
    PublicUpdate,
    UpdateStatus,
)
from insights.services.insights import action_create, action_status_change
from insights.services.updates import (
    update_create,
    update_edit,
    update_publish,
    update_url,
    updates_for_member,
)
from projects.models import PostStatus
from tests.community.factories import UserFactory, consent_accept_all
from tests.conftest import dutch_url
from tests.insights.factories import (
    InsightFactory,
    PublicUpdateFactory,
    excerpt_of,
    insight_with_parents,
)
from tests.projects.factories import post_write

pytestmark = pytest.mark.django_db

ALL_ROLES = ["anonymous", "parent", "other_parent", "moderator", "researcher", "admin"]
ALL_ROLES += ["team_lead", "complaints_officer"]
COMMUNITY_STAFF = {"moderator", "researcher", "admin"}


@pytest.fixture
def make_parents(consent_documents):
    """Members (pseudonym, current consent) who can be told about updates."""

    def make(count: int) -> list:
        parents = [UserFactory() for _ in range(count)]
        consent_accept_all(*parents)
        return parents

    return make


@pytest.fixture
def authors(make_parents):
    return make_parents(5)


@pytest.fixture
def insight(topic_page, moderator, authors):
    return insight_with_parents(topic_page, moderator, authors, title="Wachten")


@pytest.fixture
def draft(insight, moderator):
    return update_create(
        insight=insight,
        user=moderator,
        title="Sneller een afspraak",
        title_en="Faster appointments",
        parents_said="Ouders wachten te lang.",
        we_do="We openen op zaterdag.",
    )


def results_notifications():
    return Notification.objects.filter(kind=NotificationKind.RESULTS)


# --- writing and publishing ---------------------------------------------------------------


def test_an_update_starts_as_a_draft_with_the_picked_quotes(insight, moderator):
    excerpt = insight.evidence.first()

    update = update_create(
        insight=insight,
        user=moderator,
        title="Sneller",
        parents_said="Ouders wachten.",
        we_do="We doen iets.",
        quotes=[excerpt],
    )

    assert update.status == UpdateStatus.DRAFT
    assert update.published_at is None
    assert list(update.quotes.all()) == [excerpt]


@pytest.mark.parametrize("status", [InsightStatus.DRAFT, InsightStatus.PROPOSED])
def test_an_update_needs_an_accepted_insight(topic_page, moderator, authors, status):
    insight = insight_with_parents(topic_page, moderator, authors[:1])
    insight.status = status
    insight.save()

    with pytest.raises(ValidationError):
        update_create(insight=insight, user=moderator, title="T", parents_said="P", we_do="W")
    assert not PublicUpdate.objects.exists()


def test_a_done_insight_can_get_an_update(topic_page, moderator, authors):
    insight = insight_with_parents(topic_page, moderator, authors[:1])
    insight.status = InsightStatus.DONE
    insight.save()

    update = update_create(insight=insight, user=moderator, title="T", parents_said="P", we_do="W")

    assert update.pk


@pytest.mark.parametrize("field", ["title", "parents_said", "we_do"])
def test_empty_or_too_long_text_is_refused_and_nothing_saved(insight, moderator, field):
    fields = {"title": "T", "parents_said": "P", "we_do": "W"}
    for value in ("", "x" * 10_000):
        with pytest.raises(ValidationError) as error:
            update_create(insight=insight, user=moderator, **{**fields, field: value})
        assert field in error.value.message_dict
    assert not PublicUpdate.objects.exists()


def test_quotes_come_only_from_the_insights_publishable_evidence(
    insight, moderator, topic_page, other_parent
):
    other_post = post_write(topic_page, other_parent, "Niet in het inzicht.")
    not_evidence = excerpt_of(other_post, moderator)
    hidden, removed, *_rest = insight.evidence.all()
    hidden.post.status = PostStatus.HIDDEN
    hidden.post.save()
    removed.quote, removed.quote_removed_at = "", timezone.now()
    removed.save()

    for excerpt in (not_evidence, hidden, removed):
        with pytest.raises(ValidationError) as error:
            update_create(
                insight=insight,
                user=moderator,
                title="T",
                parents_said="P",
                we_do="W",
                quotes=[excerpt],
            )
        assert "quotes" in error.value.message_dict
    assert not PublicUpdate.objects.exists()


@pytest.mark.parametrize("writer", ["parent", "team_lead", "complaints_officer"])
def test_only_community_staff_write_or_publish(request, insight, draft, writer):
    user = request.getfixturevalue(writer)

    with pytest.raises(PermissionDenied):
        update_create(insight=insight, user=user, title="T", parents_said="P", we_do="W")
    with pytest.raises(PermissionDenied):
        update_publish(update=draft, user=user)
    with pytest.raises(PermissionDenied):
        update_edit(update=draft, user=user, title="Anders")
    draft.refresh_from_db()
    assert draft.status == UpdateStatus.DRAFT
    assert draft.title == "Sneller een afspraak"


def test_a_moderator_without_the_second_factor_cannot_publish(draft, moderator):
    moderator.second_factor_passed = False

    with pytest.raises(PermissionDenied):
        update_publish(update=draft, user=moderator)


def test_editing_keeps_the_status_and_records_what_changed(draft, moderator):
    from wagtail.models import ModelLogEntry

    update_edit(update=draft, user=moderator, title="Nieuwe titel", we_do="We doen meer.")

    draft.refresh_from_db()
    assert draft.title == "Nieuwe titel"
    entry = ModelLogEntry.objects.filter(action="insights.update_edited").get()
    assert entry.data["fields"] == ["title", "we_do"]


@pytest.mark.parametrize(("parents", "shown"), [(4, None), (5, 5)])
def test_publishing_counts_distinct_parents_and_shows_the_count_only_from_5(
    topic_page, moderator, make_parents, parents, shown
):
    authors = make_parents(parents)
    insight = insight_with_parents(topic_page, moderator, authors)
    # A second excerpt of the same parent does not make a second parent.
    post = post_write(topic_page, authors[0], "Nog eens: te lang wachten.")
    InsightEvidence.objects.create(insight=insight, excerpt=excerpt_of(post, moderator))
    update = PublicUpdateFactory(insight=insight)

    assert update_publish(update=update, user=moderator) is True

    update.refresh_from_db()
    assert update.status == UpdateStatus.PUBLISHED
    assert update.published_at is not None
    assert update.parent_count == parents
    assert update.parent_count_shown == shown


def test_publishing_is_audited(draft, moderator):
    from wagtail.models import ModelLogEntry

    update_publish(update=draft, user=moderator)

    entry = ModelLogEntry.objects.get(action="insights.update_published")
    assert entry.user == moderator
    assert entry.data["parent_count"] == 5


# --- notifications ------------------------------------------------------------------------


def test_publishing_tells_each_parent_behind_the_evidence_once(
    insight, draft, moderator, authors, topic_page, other_parent, researcher
):
    # Two excerpts of one parent; a staff post in the evidence; a parent outside it.
    post = post_write(topic_page, authors[0], "Ook bij mijn tweede kind.")
    InsightEvidence.objects.create(insight=insight, excerpt=excerpt_of(post, moderator))
    staff_post = post_write(topic_page, researcher, "Klopt.", author_role=Role.RESEARCHER)
    InsightEvidence.objects.create(insight=insight, excerpt=excerpt_of(staff_post, moderator))
    post_write(topic_page, other_parent, "Ik wachtte niet lang.")

    update_publish(update=draft, user=moderator)

    notifications = results_notifications()
    assert sorted(n.recipient_id for n in notifications) == sorted(a.pk for a in authors)
    notification = notifications.first()
    assert notification.url == update_url(draft)
    assert notification.params["title"] == {
        "nl": "Sneller een afspraak",
        "en": "Faster appointments",
    }


def test_publishing_twice_sends_nothing_twice(draft, moderator, researcher, authors):
    update_publish(update=draft, user=moderator)
    first_published_at = PublicUpdate.objects.get().published_at

    assert update_publish(update=draft, user=researcher) is False
    # A stale copy of the draft, as a second request that loaded it before, changes nothing.
    stale = PublicUpdate.objects.get()
    stale.status = UpdateStatus.DRAFT
    assert update_publish(update=stale, user=researcher) is False

    assert results_notifications().count() == len(authors)
    assert PublicUpdate.objects.get().published_at == first_published_at


def test_erased_or_consentless_parents_are_not_told(insight, draft, moderator, authors):
    gone, inactive, *_rest = authors
    gone.delete()
    inactive.is_active = False
    inactive.save()

    update_publish(update=draft, user=moderator)

    told = set(results_notifications().values_list("recipient_id", flat=True))
    assert told == {author.pk for author in authors[2:]}


def test_an_action_status_change_tells_the_parents_again(
    insight, draft, moderator, authors, django_capture_on_commit_callbacks
):
    action = action_create(user=moderator, insight=insight, title="Zaterdag open", owner="Team")
    update_publish(update=draft, user=moderator)

    with django_capture_on_commit_callbacks(execute=True):
        action_status_change(user=moderator, action=action, to_status=ActionStatus.IN_PROGRESS)

    counts = {author.pk: 0 for author in authors}
    for recipient_id in results_notifications().values_list("recipient_id", flat=True):
        counts[recipient_id] += 1
    assert set(counts.values()) == {2}


def test_an_action_change_before_publication_tells_nobody(
    insight, draft, moderator, django_capture_on_commit_callbacks
):
    action = action_create(user=moderator, insight=insight, title="Zaterdag open", owner="Team")

    with django_capture_on_commit_callbacks(execute=True):
        action_status_change(user=moderator, action=action, to_status=ActionStatus.IN_PROGRESS)

    assert not results_notifications().exists()


def test_the_results_kind_has_a_text_and_mails_immediately_by_default(parent):
    from community.models import EmailFrequency
    from community.services.notifications import notification_email_frequency

    assert notification_email_frequency(parent, NotificationKind.RESULTS) == (
        EmailFrequency.IMMEDIATELY
    )
    notification = Notification(
        recipient=parent, kind=NotificationKind.RESULTS, params={"title": {"nl": "T", "en": "T"}}
    )
    assert "T" in notification.text


# --- admin views --------------------------------------------------------------------------


def admin_urls(insight, update) -> list[str]:
    return [
        "/admin/insights/updates/",
        f"/admin/insights/{insight.pk}/updates/new/",
        f"/admin/insights/updates/{update.pk}/",
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_admin_update_pages_permission_matrix(client_for_role, insight, draft, role):
    client = client_for_role(role)

    for url in admin_urls(insight, draft):
        response = client.get(url)
        if role in COMMUNITY_STAFF:
            assert response.status_code == HTTPStatus.OK, url
        else:
            assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), url
            assert b"Sneller een afspraak" not in response.content

    response = client.post(f"/admin/insights/updates/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert (draft.status == UpdateStatus.PUBLISHED) is (role in COMMUNITY_STAFF)


def test_a_moderator_writes_previews_and_publishes_in_the_admin(
    client_for_role, insight, authors, member
):
    client = client_for_role("moderator")
    quote = insight.evidence.first()

    response = client.post(
        f"/admin/insights/{insight.pk}/updates/new/",
        {
            "title": "Sneller een afspraak",
            "parents_said": "Ouders wachten te lang.",
            "we_do": "We openen op zaterdag.",
            "quotes": [quote.pk],
        },
    )

    update = PublicUpdate.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/insights/updates/{update.pk}/"
    assert update.status == UpdateStatus.DRAFT
    preview = client.get(f"/jullie-zeiden-wij-deden/{update.pk}/")
    assert preview.status_code == HTTPStatus.OK
    assert quote.quote in preview.content.decode()
    member_client = Client()
    member_client.force_login(member)
    assert (
        member_client.get(f"/jullie-zeiden-wij-deden/{update.pk}/").status_code
        == HTTPStatus.NOT_FOUND
    )

    client.post(f"/admin/insights/updates/{update.pk}/publish/")
    client.post(f"/admin/insights/updates/{update.pk}/publish/")  # a double submit

    update.refresh_from_db()
    assert update.status == UpdateStatus.PUBLISHED
    assert results_notifications().count() == len(authors)


def test_bad_input_in_the_admin_keeps_the_typed_text(client_for_role, insight):
    client = client_for_role("moderator")

    response = client.post(
        f"/admin/insights/{insight.pk}/updates/new/",
        {"title": "", "parents_said": "Wat ik typte", "we_do": "x" * 10_000},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Wat ik typte" in response.content.decode()
    assert response.context["form"].errors.keys() >= {"title", "we_do"}
    assert not PublicUpdate.objects.exists()


def test_the_admin_edit_form_saves_picked_quotes(client_for_role, draft):
    client = client_for_role("researcher")
    quote = draft.insight.evidence.last()

    response = client.post(
        f"/admin/insights/updates/{draft.pk}/",
        {
            "title": "Sneller",
            "parents_said": "Ouders wachten.",
            "we_do": "Zaterdag open.",
            "quotes": [quote.pk],
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert list(draft.quotes.all()) == [quote]


def test_no_update_for_an_insight_that_is_not_accepted(client_for_role, topic_page, moderator):
    insight = InsightFactory(projects=[topic_page.get_parent().specific])

    response = client_for_role("moderator").get(f"/admin/insights/{insight.pk}/updates/new/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/insights/updates/"


# --- the member's section and the project page ---------------------------------------------


def english_dashboard_url() -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return reverse("member_dashboard")


@pytest.mark.parametrize(("parents", "count_text"), [(4, "Fewer than 5 parents"), (5, "5 parents")])
def test_the_member_section_lists_updates_their_words_contributed_to(
    client, topic_page, moderator, make_parents, parents, count_text
):
    authors = make_parents(parents)
    insight = insight_with_parents(topic_page, moderator, authors)
    published = PublicUpdateFactory(insight=insight, title_en="Saturdays open")
    update_publish(update=published, user=moderator)
    PublicUpdateFactory(insight=insight, title_en="Still a draft")

    client.force_login(authors[0])
    html = client.get(english_dashboard_url()).content.decode()

    assert "What happened with what you said" in html
    assert "Saturdays open" in html
    assert "Still a draft" not in html
    assert count_text in html
    for author in authors:
        assert author.pseudonym not in html.split('id="dashboard-results"')[1]


def test_the_member_section_is_empty_for_a_parent_whose_words_are_not_evidence(
    client, draft, moderator, make_parents
):
    update_publish(update=draft, user=moderator)
    (outsider,) = make_parents(1)

    assert updates_for_member(user=outsider, limit=10) == []
    client.force_login(outsider)
    html = client.get(english_dashboard_url()).content.decode()
    assert "What happened with what you said" in html
    assert "Faster appointments" not in html


def test_the_member_section_costs_one_query(
    rf, authors, draft, moderator, django_assert_num_queries
):
    from insights.dashboard import results_context

    update_publish(update=draft, user=moderator)
    request = rf.get("/")
    request.user = authors[0]

    with django_assert_num_queries(1):
        context = results_context(request)
    assert [update.pk for update in context["updates"]] == [draft.pk]


@pytest.mark.parametrize(("parents", "count_text"), [(4, "Fewer than 5 parents"), (5, "5 parents")])
def test_the_project_page_shows_its_published_updates(
    client, project_page, topic_page, moderator, make_parents, parents, count_text
):
    authors = make_parents(parents)
    insight = insight_with_parents(topic_page, moderator, authors)
    published = PublicUpdateFactory(insight=insight, title_en="Saturdays open")
    update_publish(update=published, user=moderator)
    PublicUpdateFactory(insight=insight, title_en="Secret draft")

    client.force_login(authors[0])
    html = client.get("/en" + dutch_url(project_page)).content.decode()

    assert "Saturdays open" in html
    assert "Secret draft" not in html
    assert count_text in html
    section = html.split('id="updates-title"')[1]
    for author in authors:
        assert author.pseudonym not in section


def test_the_project_page_shows_no_updates_section_without_published_updates(
    client, project_page, draft, parent
):
    client.force_login(parent)

    html = client.get(dutch_url(project_page)).content.decode()

    assert 'id="updates-title"' not in html


def test_the_project_page_costs_one_query_more_whatever_the_number_of_updates(
    client, project_page, topic_page, moderator, make_parents, django_assert_max_num_queries
):
    (author,) = make_parents(1)
    insight = insight_with_parents(topic_page, moderator, [author])
    url = dutch_url(project_page)
    client.force_login(author)
    client.get(url)
    counts = []
    for _number in range(2):
        for _more in range(3):
            update_publish(update=PublicUpdateFactory(insight=insight), user=moderator)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
    update_queries = [q["sql"] for q in captured.captured_queries if "publicupdate" in q["sql"]]
    assert len(update_queries) == 1
