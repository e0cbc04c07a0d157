"""Showing a pseudonym: `{% load pseudonyms %}`, then `{{ user|pseudonym }}` in HTML, or
`{{ user|pseudonym_text }}` in a plain-text e-mail."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from community.bidi import isolate

register = template.Library()


def _name(value: object) -> str:
    """A user's display name (never the e-mail address), or a name already looked up, such as
    `post.author_name`."""
    if value is None:
        return ""
    return str(getattr(value, "display_name", value))


@register.filter
def pseudonym(value: object) -> SafeString:
    """The name, escaped, in <bdi>: right-to-left names keep the sentence around them intact."""
    name = _name(value)
    return format_html("<bdi>{}</bdi>", name) if name else SafeString("")


@register.filter
def pseudonym_text(value: object) -> str:
    """The name between Unicode isolates, for plain text where <bdi> cannot go."""
    return isolate(_name(value))
