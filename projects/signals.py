from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

from projects.models import Post, SiteLinks
from projects.routing import tree_changed
from projects.thread import thread_authors_changed, thread_changed

# What changes the page tree as served: sites, routes, menus and footer links (projects.routing).
TREE_MODELS = (Page, Site, PageViewRestriction, SiteLinks)


@receiver(post_page_move)  # the moved page's descendants change by an update, without signals
def forget_tree_on_move(**kwargs) -> None:
    tree_changed()


# Publishing and unpublishing save the page: post_save covers them.
@receiver(post_save)
@receiver(post_delete)
def forget_tree_on_write(sender, instance, created: bool = False, **kwargs) -> None:
    # SiteLinks.for_site creates a site's empty footer links on first reading: nothing to forget.
    if isinstance(instance, TREE_MODELS) and not (created and isinstance(instance, SiteLinks)):
        tree_changed()


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def forget_tree_on_restriction_groups(**kwargs) -> None:
    tree_changed()


# --- posts: members hear about a new topic in their project ---


@receiver(post_save)
def topic_first_published(sender, instance, update_fields=None, **kwargs) -> None:
    """The first time a topic goes live (now or at its scheduled time), queue its announcement
    to the audience. In the save that makes it live, inside Page.save's transaction: the live
    topic and its queued announcement commit together, or neither does."""
    from projects.models import TopicPage
    from projects.services.topic_notifications import topic_published_notify

    if (
        isinstance(instance, TopicPage)
        and update_fields is None
        and instance.live
        and instance.first_published_at is not None
        and instance.first_published_at == instance.last_published_at
    ):
        topic_published_notify(topic=instance)


# --- the rendered threads of topic pages (projects.thread) ---


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
def forget_thread_of_post(sender, instance: Post, **kwargs) -> None:
    thread_changed(topic_id=instance.topic_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def forget_threads_of_author(sender, instance, update_fields=None, **kwargs) -> None:
    """Names shown on posts come from the author's account; logging in changes none."""
    if update_fields is None or not set(update_fields) <= {"last_login", "password"}:
        thread_authors_changed()


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def forget_threads_of_erased_author(**kwargs) -> None:
    thread_authors_changed()
