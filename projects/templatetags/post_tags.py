"""Template helpers for posts."""

from django import template

from projects.post_text import post_plain_text

register = template.Library()


@register.filter
def post_plain(body: str) -> str:
    """A post's HTML as plain text for an excerpt: `{{ post.body|post_plain|truncatewords:40 }}`."""
    return post_plain_text(body)
