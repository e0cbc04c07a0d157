"""The post editor's limit, for the reply boxes the thread writes by hand (topic_posts.html)
as the form's own field template does (post_text_field.html)."""

from django import template

from projects.forms.posts import text_limit_display
from projects.post_text import TEXT_MAX_LENGTH

register = template.Library()


@register.simple_tag
def post_text_limit() -> int:
    """The most visible characters a post may have."""
    return TEXT_MAX_LENGTH


@register.simple_tag
def post_text_limit_display() -> str:
    """The limit written as the active language writes numbers ("5.000", "5,000")."""
    return text_limit_display()
