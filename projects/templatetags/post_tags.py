"""Template helpers for the topic page."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def post_flag_url(post) -> str:
    """The address of the "Report" form for a post, or "" while moderation has no such page."""
    try:
        return reverse("post_flag", args=[post.pk])
    except NoReverseMatch:
        return ""
