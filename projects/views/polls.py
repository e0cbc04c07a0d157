"""Voting in a poll topic: check, validate, let the service write, back to the topic."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from projects import rules
from projects.forms.polls import PollVoteForm
from projects.models import ResponseMode, TopicPage
from projects.services.polls import poll_vote
from projects.topic_page import poll_with_form, topic_page_again
from projects.views.posts import form_target, topic_address


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
        messages.info(request, _("You already voted in this poll."))
        return HttpResponseRedirect(f"{topic.get_url()}#poll-title")
    form = PollVoteForm(request.POST, topic=topic, options=poll.options)
    if form.is_valid():
        try:
            poll_vote(
                user=request.user,
                topic=topic,
                option_ids=form.option_ids(),
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you for voting. Here are the results so far."))
            return HttpResponseRedirect(f"{topic.get_url()}#poll-title")
    return topic_page_again(request, topic, poll=poll, poll_form=form)
