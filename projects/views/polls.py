"""Voting in a poll topic: check, validate, let the service write, back to the topic.

A second vote (another tab, a double click, two at the same moment) gets the poll back with
"You already voted in this poll." and status 400: the member sees that their first vote
counts, and a second one never overwrote it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from projects import rules
from projects.forms.polls import PollVoteForm
from projects.models import ResponseMode, TopicPage
from projects.services.polls import poll_vote
from projects.topic_page import poll_with_form, topic_page_again
from projects.views.posts import form_target, topic_address


def _already_voted(request: HttpRequest, topic: TopicPage) -> TemplateResponse:
    """The topic page with the poll as it is now (the member's vote, the results they may
    see) and the notice at the poll."""
    return topic_page_again(request, topic, poll_notice=_("You already voted in this poll."))


@login_required
@form_target(topic_address)
def poll_vote_view(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(TopicPage, pk=topic_id, response_mode=ResponseMode.POLL)
    if not rules.can_view_topic(request.user, topic):
        raise Http404
    if not rules.can_vote(request.user, topic):
        raise PermissionDenied
    poll = poll_with_form(request, topic)
    if not poll.may_vote:  # voted before, e.g. in another tab
        return _already_voted(request, topic)
    form = PollVoteForm(request.POST, topic=topic, options=poll.options)
    if form.is_valid():
        try:
            poll_vote(
                user=request.user,
                topic=topic,
                option_ids=form.option_ids(),
                comment=form.cleaned_data.get("comment", ""),
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "already_voted":  # the twin request voted first
                return _already_voted(request, topic)
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you for voting. Here are the results so far."))
            return HttpResponseRedirect(f"{topic.get_url()}#poll-title")
    return topic_page_again(request, topic, poll=poll, poll_form=form)
