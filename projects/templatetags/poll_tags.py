from django import template
from django.http import HttpRequest

from projects.forms.polls import PollVoteForm
from projects.models import TopicPage
from projects.services.polls import PollState, poll_state

register = template.Library()


@register.simple_tag
def poll_for(topic: TopicPage, request: HttpRequest) -> PollState:
    """The poll block's data and an empty vote form. The topic view may put `poll` in the
    context instead (see poll.html); then this is not called."""
    return poll_with_form(request, topic)


def poll_with_form(request: HttpRequest, topic: TopicPage) -> PollState:
    state = poll_state(user=request.user, topic=topic)
    state.form = PollVoteForm(topic=topic, options=state.options) if state.may_vote else None
    return state
