from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.models import ConsentDocument, Role


class RoleChangeFormatter(LogFormatter):
    def format_message(self, log_entry) -> str:
        role = log_entry.data.get("role", "")
        label = Role(role).label if role in Role.values else role
        return self.message % {"role": label, "user": log_entry.label}


@hooks.register("register_log_actions")
def register_role_change_actions(actions) -> None:
    @actions.register_action("community.role_given")
    class RoleGiven(RoleChangeFormatter):
        label = _("Role given")
        message = _("Role %(role)s given to %(user)s")

    @actions.register_action("community.role_taken")
    class RoleTaken(RoleChangeFormatter):
        label = _("Role taken away")
        message = _("Role %(role)s taken away from %(user)s")


class ConsentDocumentViewSet(SnippetViewSet):
    """The research terms and the privacy notice: drafts, revisions and publishing.

    Only administrators hold the permissions (migration 0004). Each publication counts as a
    new version that members are asked to accept.
    """

    model = ConsentDocument
    icon = "doc-full"
    menu_label = _("Terms and privacy")
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["title", "kind", "version", LiveStatusTagColumn(), "last_published_at"]
    inspect_view_enabled = True


consent_document_viewset = ConsentDocumentViewSet()
register_snippet(consent_document_viewset)

# Segments: researchers and administrators only (permissions in migration 0004).
from community.segment_admin import SegmentViewSet  # noqa: E402

register_snippet(SegmentViewSet)


@hooks.register("before_delete_snippet")
def consent_document_delete_refuse(request, instances) -> HttpResponse | None:
    """A text members accepted is their proof of consent: it is unpublished, never deleted."""
    accepted = [
        instance
        for instance in instances
        if isinstance(instance, ConsentDocument) and instance.records.exists()
    ]
    if not accepted:
        return None
    messages.error(
        request,
        _(
            "Members accepted “%(title)s”: it is their proof of consent and cannot be deleted. "
            "Unpublish it to stop using it."
        )
        % {"title": accepted[0].title},
    )
    return redirect(consent_document_viewset.get_url_name("list"))
