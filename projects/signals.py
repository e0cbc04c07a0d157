from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from projects.models import SiteLinks
from projects.navigation import site_navigation_forget


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
@receiver(post_page_move)
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=SiteLinks)
def forget_navigation(**kwargs) -> None:
    site_navigation_forget()


# --- posts: members hear about a new topic in their project ---


@receiver(page_published)
def topic_first_published(sender, instance, **kwargs) -> None:
    """The first time a topic goes live (now or at its scheduled time), tell its audience."""
    from projects.models import TopicPage
    from projects.services.topic_notifications import topic_published_notify

    if isinstance(instance, TopicPage) and instance.first_published_at == (
        instance.last_published_at
    ):
        topic_published_notify(topic=instance)
