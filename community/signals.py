from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.log_actions import log
from wagtail.signals import published

from community.models import ConsentDocument, ConsentRecord, Notification, Role, User
from community.request_state import request_state_changed, request_state_changed_for_everyone
from community.services.consent import consent_document_published


@receiver(m2m_changed, sender=User.groups.through)
def role_change_log(sender, instance, action: str, pk_set: set[int] | None, **kwargs) -> None:
    """Record every staff role given or taken, with who did it (Wagtail's audit log)."""
    if action not in {"post_add", "pre_remove", "pre_clear"} or not isinstance(instance, User):
        return
    groups = instance.groups.all() if action == "pre_clear" else instance.groups.model.objects
    if pk_set is not None:
        groups = groups.filter(pk__in=pk_set)
    log_action = "community.role_given" if action == "post_add" else "community.role_taken"
    for name in groups.filter(name__in=Role.values).values_list("name", flat=True):
        log(instance=instance, action=log_action, data={"role": name})


@receiver(pre_save, sender=ConsentDocument)
def consent_document_version_keep(sender, instance: ConsentDocument, raw: bool, **kwargs) -> None:
    """Only publishing changes the version: saving a draft or publishing an old revision (whose
    stored copy carries the number it had then) keeps the number in the database."""
    if raw or instance.pk is None:
        return
    stored = ConsentDocument.objects.filter(pk=instance.pk).values_list("version", flat=True)
    if stored:
        instance.version = stored[0]


@receiver(published, sender=ConsentDocument)
def consent_document_publish_count(sender, instance: ConsentDocument, **kwargs) -> None:
    """Every publication is a new version; members who accepted an earlier one are told."""
    if instance.live:
        consent_document_published(document=instance)


# --- the request state kept between requests (community.request_state) ---


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def request_state_forget_for_user(sender, instance: User, **kwargs) -> None:
    request_state_changed([instance.pk])


@receiver(post_save, sender=ConsentRecord)
@receiver(post_delete, sender=ConsentRecord)
def request_state_forget_for_consent(sender, instance: ConsentRecord, **kwargs) -> None:
    request_state_changed([instance.user_id])


@receiver(post_save, sender=Notification)
@receiver(post_delete, sender=Notification)
def request_state_forget_for_notification(sender, instance: Notification, **kwargs) -> None:
    request_state_changed([instance.recipient_id])


@receiver(m2m_changed, sender=User.groups.through)
def request_state_forget_for_roles(
    sender, instance, action: str, pk_set: set[int] | None, **kwargs
) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):
        request_state_changed([instance.pk])
    elif pk_set is not None:  # a group's members added or removed
        request_state_changed(pk_set)
    else:  # a group emptied: its former members are not known any more
        request_state_changed_for_everyone()


# Role names decide who is staff; consent documents decide whose consent is current.
@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
@receiver(post_save, sender=ConsentDocument)
@receiver(post_delete, sender=ConsentDocument)
def request_state_forget_for_everyone(**kwargs) -> None:
    request_state_changed_for_everyone()
