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
