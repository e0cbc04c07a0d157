from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from wagtail.log_actions import log

from community.models import Role, User


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
