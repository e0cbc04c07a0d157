"""Wagtail admin hooks for the codebook: the code snippets, their permissions and log."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from insights.models import Code
from insights.services import codebook as codebook_services
from insights.views.codebook import CodePermissionPolicy, CodeViewSet

# Before the viewset: who manages codes is decided by insights.rules, not model perms.
register_permission_policy(Code, CodePermissionPolicy(Code))
register_snippet(CodeViewSet)


@hooks.register("before_delete_snippet")
def codebook_bulk_delete_refuse(request, instances):
    """Codes are deleted one by one through code_delete (which refuses used codes and keeps
    the audit log); Wagtail's bulk delete would bypass it."""
    if not any(isinstance(instance, Code) for instance in instances):
        return None
    messages.error(request, gettext("Delete codes one by one, from their own menu."))
    return redirect("codebook:list")


@hooks.register("register_log_actions")
def register_codebook_log_actions(actions) -> None:
    for action, label, message in (
        (
            codebook_services.LOG_CREATED,
            gettext_lazy("Code added"),
            gettext_lazy("Code added to the codebook"),
        ),
        (
            codebook_services.LOG_CHANGED,
            gettext_lazy("Code changed"),
            gettext_lazy("Code changed in the codebook"),
        ),
        (
            codebook_services.LOG_ARCHIVED,
            gettext_lazy("Code archived"),
            gettext_lazy("Code archived: it can no longer be applied"),
        ),
        (
            codebook_services.LOG_RESTORED,
            gettext_lazy("Code restored"),
            gettext_lazy("Code restored: it can be applied again"),
        ),
        (
            codebook_services.LOG_DELETED,
            gettext_lazy("Code deleted"),
            gettext_lazy("Unused code deleted from the codebook"),
        ),
        (
            codebook_services.LOG_MERGED,
            gettext_lazy("Codes merged"),
            gettext_lazy("Code merged into another code"),
        ),
    ):
        actions.register_action(action, label, message)
