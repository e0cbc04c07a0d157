"""Forget the kept results page when a public update is saved or deleted by any path (the
admin, a service, the shell); services that write with update() call it themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from insights.models import PublicUpdate
from insights.services.updates import public_updates_changed


@receiver(post_save, sender=PublicUpdate)
@receiver(post_delete, sender=PublicUpdate)
def public_update_changed(sender, **kwargs) -> None:
    public_updates_changed()
