"""Polls: single and multiple choice, one final vote, results after voting in distinct voters."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from projects.models import PollOption, PollVote, Post, ResponseMode
from projects.services.polls import POLL_RESULTS_MIN_VOTERS, poll_state, poll_vote
from tests.community.factories import UserFactory
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import TopicPageFactory

pytestmark = pytest.mark.django_db


def dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def poll_topic(project, *, multiple: bool = False, comment: bool = False, labels=("Ja", "Nee")):
    return TopicPageFactory(
        parent=project,
        title="Peiling",
        response_mode=ResponseMode.POLL,
        poll_multiple=multiple,
        poll_comment=comment,
        poll_options=[
            PollOption(label=label, label_en=f"{label} (en)", sort_order=number)
            for number, label in enumerate(labels)
        ],
    )


def options(topic) -> list[PollOption]:
    return list(topic.poll_options.order_by("sort_order"))


def vote_url(topic) -> str:
    with translation.override("nl"):
        return reverse("poll_vote", args=[topic.pk])


def test_single_choice_vote_records_exactly_one_option(parent, project_page):
    topic = poll_topic(project_page)
    yes, no = options(topic)

    poll_vote(user=parent, topic=topic, option_ids=[yes.pk])

    assert list(PollVote.objects.values_list("user", "option")) == [(parent.pk, yes.pk)]
    with pytest.raises(ValidationError):
        poll_vote(user=parent, topic=topic, option_ids=[no.pk])  # a vote is final


@pytest.mark.parametrize("chosen", [[], [0, 1]])
def test_single_choice_refuses_none_or_two_options(parent, project_page, chosen):
    topic = poll_topic(project_page)
    ids = [options(topic)[index].pk for index in chosen]

    with pytest.raises(ValidationError) as error:
        poll_vote(user=parent, topic=topic, option_ids=ids)

    assert "options" in error.value.message_dict
    assert not PollVote.objects.exists()


def test_multiple_choice_takes_several_options_but_not_none(parent, project_page):
    topic = poll_topic(project_page, multiple=True, labels=("A", "B", "C"))
    a, b, _c = options(topic)

    with pytest.raises(ValidationError):
        poll_vote(user=parent, topic=topic, option_ids=[])
    poll_vote(user=parent, topic=topic, option_ids=[a.pk, b.pk])

    assert PollVote.objects.filter(user=parent).count() == 2


def test_options_of_another_poll_are_refused(parent, project_page):
    topic = poll_topic(project_page)
    other = poll_topic(project_page)

    with pytest.raises(ValidationError):
        poll_vote(user=parent, topic=topic, option_ids=[options(other)[0].pk])
    assert not PollVote.objects.exists()


def test_staff_do_not_vote(researcher, project_page):
    topic = poll_topic(project_page)

    with pytest.raises(PermissionDenied):
        poll_vote(user=researcher, topic=topic, option_ids=[options(topic)[0].pk])


def test_comment_becomes_a_post_and_a_refused_comment_saves_nothing(parent, project_page):
    topic = poll_topic(project_page, comment=True)
    yes = options(topic)[0]

    with pytest.raises(ValidationError) as error:
        poll_vote(user=parent, topic=topic, option_ids=[yes.pk], comment="x" * 6000)
    assert "comment" in error.value.message_dict
    assert not PollVote.objects.exists()
    assert not Post.objects.exists()

    poll_vote(user=parent, topic=topic, option_ids=[yes.pk], comment="Liever **niet** te vroeg.")

    post = Post.objects.get()
    assert (post.author, post.topic, post.parent) == (parent, topic, None)
    assert "<strong>niet</strong>" in post.body


def test_results_count_distinct_voters_and_percentages(project_page, researcher):
    topic = poll_topic(project_page, multiple=True, labels=("A", "B"))
    a, b = options(topic)
    voters = UserFactory.create_batch(POLL_RESULTS_MIN_VOTERS)
    for voter in voters:
        poll_vote(
            user=voter, topic=topic, option_ids=[a.pk, b.pk] if voter == voters[0] else [a.pk]
        )

    state = poll_state(user=voters[0], topic=topic)

    assert state.voters == POLL_RESULTS_MIN_VOTERS
    assert [(r.option, r.count, r.percent, r.chosen) for r in state.results] == [
        (a, 5, 100, True),
        (b, 1, 20, True),
    ]
    assert poll_state(user=researcher, topic=topic).results


def test_results_are_hidden_until_voting_and_below_the_threshold(
    parent, other_parent, project_page, researcher
):
    topic = poll_topic(project_page)
    poll_vote(user=other_parent, topic=topic, option_ids=[options(topic)[0].pk])

    before = poll_state(user=parent, topic=topic)
    assert before.may_vote and not before.results_visible
    poll_vote(user=parent, topic=topic, option_ids=[options(topic)[1].pk])
    after = poll_state(user=parent, topic=topic)
    assert not after.may_vote
    assert not after.results_visible  # two voters: fewer than 5
    staff = poll_state(user=researcher, topic=topic)
    assert [r.count for r in staff.results] == [1, 1]


def test_voting_on_the_page_shows_the_results_with_bars_as_text_and_svg(client, project_page):
    topic = poll_topic(project_page)
    yes, no = options(topic)
    for voter in UserFactory.create_batch(POLL_RESULTS_MIN_VOTERS - 1):
        poll_vote(user=voter, topic=topic, option_ids=[yes.pk])
    member = UserFactory()
    client.force_login(member)
    page = client.get(dutch_url(topic)).content.decode()
    assert 'name="options"' in page
    assert "poll-results__bar" not in page

    response = client.post(vote_url(topic), {"options": str(no.pk)})

    assert response.status_code == HTTPStatus.FOUND
    html = client.get(dutch_url(topic)).content.decode()
    assert 'name="options"' not in html
    assert html.count('class="poll-results__bar"') == 2
    assert '<rect class="poll-results__fill" x="0" y="0" width="80" height="4"/>' in html
    assert "80%" in html and "20%" in html
    assert "style=" not in html.split('id="poll-title"')[1].split("</section>")[0]


def test_bad_vote_shows_the_message_at_the_field_and_keeps_the_comment(
    client, parent, project_page
):
    topic = poll_topic(project_page, comment=True)
    client.force_login(parent)

    response = client.post(vote_url(topic), {"comment": "Mijn uitleg"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert dutch("Choose an option.") in html
    assert "Mijn uitleg" in html
    assert not PollVote.objects.exists()


def test_unknown_option_is_refused_with_a_message(client, parent, project_page):
    topic = poll_topic(project_page)
    client.force_login(parent)

    response = client.post(vote_url(topic), {"options": "999999"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert dutch("Choose from the options of this poll.") in response.content.decode()


def test_a_second_vote_answers_400_with_the_message(client, parent, project_page):
    topic = poll_topic(project_page)
    first, second = options(topic)
    client.force_login(parent)
    client.post(vote_url(topic), {"options": str(first.pk)})

    response = client.post(vote_url(topic), {"options": str(second.pk)})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert dutch("You already voted in this poll.") in response.content.decode()
    assert list(PollVote.objects.values_list("option", flat=True)) == [first.pk]


def test_a_refusal_without_a_field_shows_on_the_poll_form(
    client, parent, project_page, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("Iets zonder veld.")

    monkeypatch.setattr("projects.views.polls.poll_vote", refuse)
    topic = poll_topic(project_page)
    client.force_login(parent)

    response = client.post(
        vote_url(topic),
        {"options": str(options(topic)[0].pk)},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Iets zonder veld." in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_vote(client_for_role, project_page, role):
    topic = poll_topic(project_page)
    client = client_for_role(role)

    response = client.post(vote_url(topic), {"options": str(options(topic)[0].pk)})

    expected = {
        "anonymous": HTTPStatus.FOUND,  # to the login page
        "parent": HTTPStatus.FOUND,
        "other_parent": HTTPStatus.FOUND,
    }.get(role, HTTPStatus.FORBIDDEN)
    assert response.status_code == expected
    assert PollVote.objects.count() == (1 if role in ("parent", "other_parent") else 0)


def test_a_parent_outside_the_audience_gets_404(client, parent, project_index):
    from tests.projects.factories import invite_list, project_for_segments

    project = project_for_segments(project_index, [invite_list("Lijst")])
    topic = poll_topic(project)
    client.force_login(parent)

    response = client.post(vote_url(topic), {"options": str(options(topic)[0].pk)})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_vote_counts_as_an_answer_on_the_project_page(client, parent, project_page):
    topic = poll_topic(project_page)
    poll_vote(user=parent, topic=topic, option_ids=[options(topic)[0].pk])
    client.force_login(parent)

    html = client.get(dutch_url(project_page)).content.decode()

    assert dutch("You answered every topic. Thank you!") in html


def _topic_form_data(slug: str, labels: list[str]) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    return nested_form_data(
        {
            "title": "Peiling",
            "slug": slug,
            "title_en": "",
            "question": rich_text("<p>Wat kies je?</p>"),
            "question_en": rich_text(""),
            "response_mode": ResponseMode.POLL,
            "poll_options": inline_formset([{"label": label, "label_en": ""} for label in labels]),
        }
    )


@pytest.mark.parametrize(("labels", "valid"), [(["Ja", "Nee"], True), (["Ja"], False), ([], False)])
def test_admin_form_needs_two_poll_options_counted_in_the_inline_forms(
    project_page, researcher, labels, valid
):
    from projects.models import TopicPage

    form_class = TopicPage.get_edit_handler().get_form_class()
    form = form_class(
        _topic_form_data("peiling", labels),
        instance=TopicPage(),
        parent_page=project_page,
        for_user=researcher,
    )

    assert form.is_valid() is valid
    if not valid:
        assert form.errors["response_mode"] == [dutch("A poll needs at least two options.")]


def test_researcher_creates_a_poll_topic_in_the_admin(client_for_role, project_page):
    from projects.models import TopicPage

    client = client_for_role("researcher")
    url = reverse("wagtailadmin_pages:add", args=("projects", "topicpage", project_page.pk))

    refused = client.post(url, _topic_form_data("een-optie", ["Ja"]))
    assert refused.status_code == HTTPStatus.OK
    assert dutch("A poll needs at least two options.") in refused.content.decode()
    response = client.post(
        url, {**_topic_form_data("twee-opties", ["Ja", "Nee"]), "action-publish": "1"}
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    topic = TopicPage.objects.get(slug="twee-opties")
    assert topic.live
    assert [option.label for option in topic.poll_options.all()] == ["Ja", "Nee"]
