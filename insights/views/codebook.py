"""The codebook in the Wagtail admin: a snippet viewset for codes with archive, restore and
merge. Import and export of a codebook are in insights.views.codebook_exchange.

Who may do what comes from insights.rules alone, through CodePermissionPolicy (so no group
needs Django model permissions on codes); every write goes through insights.services.codebook,
which checks the same rules again.
"""

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.snippets.views import snippets

from community.models import COMMUNITY_ROLES, User
from insights.models import Code
from insights.rules import can_delete_or_merge_code, can_manage_codes
from insights.services.codebook import (
    CODE_FIELDS,
    code_archive,
    code_create,
    code_delete,
    code_merge,
    code_restore,
    code_update,
)
from projects.models import ProjectPage

URL_NAMESPACE = "codebook"


class CodePermissionPolicy(BasePermissionPolicy):
    """Codes are managed by whoever insights.rules says: researchers, moderators and
    administrators in a session that passed the second factor; deleting a global code (the
    locked codebook) only by researchers and administrators."""

    def user_has_permission(self, user: User, action: str) -> bool:
        return can_manage_codes(user)

    def user_has_any_permission(self, user: User, actions: list[str]) -> bool:
        return can_manage_codes(user)

    def user_has_permission_for_instance(self, user: User, action: str, instance: Code) -> bool:
        if action == "delete":
            return can_delete_or_merge_code(user, instance)
        return can_manage_codes(user)

    def instances_user_has_any_permission_for(self, user: User, actions: list[str]) -> QuerySet:
        if can_manage_codes(user):
            return Code.objects.all()
        return Code.objects.none()

    def users_with_any_permission(self, actions: list[str]) -> QuerySet:
        return User.objects.filter(
            Q(is_superuser=True) | Q(groups__name__in=COMMUNITY_ROLES), is_active=True
        ).distinct()


def codebook_choice_label(code: Code) -> str:
    return f"{code.name} · {code.project.title}" if code.project is not None else code.name


class CodeForm(WagtailAdminModelForm):
    """A parent is an active main code; the project list holds projects only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        main_codes = Code.objects.filter(
            parent__isnull=True, archived_at__isnull=True
        ).select_related("project")
        if self.instance.pk is not None:
            main_codes = main_codes.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = main_codes
        self.fields["parent"].label_from_instance = codebook_choice_label
        self.fields["project"].queryset = ProjectPage.objects.order_by("title")
        self.fields["project"].empty_label = gettext("None: a global code for every project")


class ColourColumn(Column):
    cell_template_name = "insights/codebook/colour_cell.html"


class CodebookColumn(Column):
    def get_value(self, instance: Code) -> str:
        return instance.project.title if instance.project is not None else gettext("Global")


class ArchivedColumn(StatusTagColumn):
    def get_value(self, instance: Code) -> str:
        return gettext("Archived") if instance.archived_at is not None else gettext("Active")

    def get_primary(self, instance: Code) -> bool:
        return instance.archived_at is None


class CodeFilterSet(WagtailFilterSet):
    project = django_filters.ModelChoiceFilter(
        label=_("Project"),
        queryset=ProjectPage.objects.order_by("title"),
        null_label=_("Global codes"),
        empty_label=_("All codes"),
    )
    archived = django_filters.BooleanFilter(
        label=_("Archived"),
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = Code
        fields = ["project", "archived"]


class CodeIndexView(snippets.IndexView):
    @cached_property
    def columns(self) -> list:
        # Without the bulk-action checkboxes: codes are deleted one by one, through the service.
        return super(snippets.IndexView, self).columns

    @cached_property
    def header_buttons(self) -> list:
        return [
            *super().header_buttons,
            HeaderButton(_("Import"), url=reverse(f"{URL_NAMESPACE}:import"), icon_name="upload"),
            HeaderButton(_("Export"), url=reverse(f"{URL_NAMESPACE}:export"), icon_name="download"),
        ]

    def get_delete_url(self, instance: Code) -> str | None:
        # A used code is archived, never deleted; a global one only by researchers and admins.
        if instance.coding_count or not can_delete_or_merge_code(self.request.user, instance):
            return None
        return super().get_delete_url(instance)

    def get_list_more_buttons(self, instance: Code) -> list:
        buttons = super().get_list_more_buttons(instance)
        if can_delete_or_merge_code(self.request.user, instance):
            name = "restore" if instance.archived_at is not None else "archive"
            label = _("Restore") if instance.archived_at is not None else _("Archive")
            buttons += [
                MenuItem(
                    label, reverse(f"{URL_NAMESPACE}:{name}", args=[instance.pk]), priority=25
                ),
                MenuItem(
                    _("Merge into another code"),
                    reverse(f"{URL_NAMESPACE}:merge", args=[instance.pk]),
                    icon_name="arrow-right",
                    priority=26,
                ),
            ]
        return buttons


def _form_values(form: forms.Form) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in CODE_FIELDS}


class CodeCreateView(snippets.CreateView):
    def save_instance(self) -> Code:
        return code_create(user=self.request.user, **_form_values(self.form))


class CodeEditView(snippets.EditView):
    @cached_property
    def header_more_buttons(self) -> list:
        buttons = super().header_more_buttons
        if not can_delete_or_merge_code(self.request.user, self.object):
            return buttons
        archived = self.object.archived_at is not None
        return [
            *buttons,
            Button(
                _("Restore") if archived else _("Archive"),
                url=reverse(
                    f"{URL_NAMESPACE}:{'restore' if archived else 'archive'}", args=[self.object.pk]
                ),
                icon_name="undo" if archived else "folder-inverse",
                priority=40,
            ),
            Button(
                _("Merge into another code"),
                url=reverse(f"{URL_NAMESPACE}:merge", args=[self.object.pk]),
                icon_name="arrow-right",
                priority=41,
            ),
        ]

    def save_instance(self) -> Code:
        saved = Code.objects.get(pk=self.object.pk)
        return code_update(user=self.request.user, code=saved, **_form_values(self.form))


class CodeDeleteView(snippets.DeleteView):
    """Deletes through code_delete: a used code is sent to be archived instead."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_delete_or_merge_code(request.user, self.object):
            raise PermissionDenied
        if self.object.codings.exists():
            messages.error(
                request, gettext("This code was used, so it cannot be deleted. Archive it instead.")
            )
            return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:archive", args=[self.object.pk]))
        return super().dispatch(request, *args, **kwargs)

    def run_before_hook(self) -> None:
        return None

    def delete_action(self) -> None:
        code_delete(user=self.request.user, code=self.object)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:edit", args=[self.object.pk]))


class CodebookAdminView(WagtailAdminTemplateMixin, FormView):
    """A codebook page of the admin, for whoever manages codes."""

    header_icon = "tag"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_codes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list:
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse(f"{URL_NAMESPACE}:list"), "label": gettext("Codebook")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["index_url"] = reverse(f"{URL_NAMESPACE}:list")
        return context


class CodeChangeView(CodebookAdminView):
    """Archive, restore or merge one code: the locked codebook applies to each."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.code = get_object_or_404(
            Code.objects.select_related("project", "parent"), pk=kwargs["pk"]
        )
        if not can_delete_or_merge_code(request.user, self.code):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.code.name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "code": self.code}


class CodeArchiveView(CodeChangeView):
    template_name = "insights/codebook/code_archive.html"
    form_class = forms.Form
    page_title = _("Archive a code")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["has_children"] = self.code.children.filter(archived_at__isnull=True).exists()
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        code_archive(user=self.request.user, code=self.code)
        messages.success(
            self.request,
            gettext("“%(name)s” is archived: it can no longer be applied.") % {"name": self.code},
        )
        return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:list"))


class CodeRestoreView(CodeChangeView):
    template_name = "insights/codebook/code_restore.html"
    form_class = forms.Form
    page_title = _("Restore a code")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            code_restore(user=self.request.user, code=self.code)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, gettext("“%(name)s” can be applied again.") % {"name": self.code}
        )
        return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:list"))


class CodeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Code.objects.none(),
        help_text=_(
            "Everything coded with this code gets the code you choose. Codes under it move "
            "along. This code is then archived."
        ),
    )

    def __init__(self, *args: Any, source: Code, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = (
            Code.objects.active()
            .filter(Q(project__isnull=True) | Q(project_id=source.project_id))
            .exclude(pk=source.pk)
            .select_related("project")
        )
        if not can_delete_or_merge_code(user, Code(project=None)):
            targets = targets.exclude(project__isnull=True)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = codebook_choice_label


class CodeMergeView(CodeChangeView):
    template_name = "insights/codebook/code_merge.html"
    form_class = CodeMergeForm
    page_title = _("Merge a code")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "source": self.code, "user": self.request.user}

    def form_valid(self, form: CodeMergeForm) -> HttpResponse:
        target = form.cleaned_data["target"]
        try:
            code_merge(user=self.request.user, source=self.code, target=target)
        except ValidationError as error:
            form.add_error("target", error.message_dict.get("target", error.messages))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("“%(source)s” is merged into “%(target)s”.")
            % {"source": self.code, "target": target},
        )
        return HttpResponseRedirect(reverse(f"{URL_NAMESPACE}:list"))


class CodeViewSet(snippets.SnippetViewSet):
    model = Code
    icon = "tag"
    menu_label = _("Codebook")
    menu_name = "codebook"
    menu_order = 260
    add_to_admin_menu = True
    admin_url_namespace = URL_NAMESPACE
    base_url_path = "codebook"
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = CodeIndexView
    add_view_class = CodeCreateView
    edit_view_class = CodeEditView
    delete_view_class = CodeDeleteView
    filterset_class = CodeFilterSet
    search_fields = ["name", "name_en", "description"]
    list_display = [
        "name",
        ColourColumn("colour", label=_("Colour")),
        Column("parent", label=_("Parent code")),
        CodebookColumn("project", label=_("Codebook")),
        Column("coding_count", label=_("Times applied"), sort_key="coding_count"),
        ArchivedColumn("archived_at", label=_("Status"), sort_key="archived_at"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("name_en"),
            FieldPanel("description"),
            FieldPanel("colour", widget=forms.TextInput(attrs={"type": "color"})),
            FieldPanel("parent", widget=forms.Select),
            FieldPanel("project", widget=forms.Select),
        ],
        base_form_class=CodeForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Code]:
        return Code.objects.select_related("project", "parent").annotate(
            coding_count=Count("codings")
        )

    def get_urlpatterns(self) -> list:
        # Imported here, not at the top: the exchange views build on CodebookAdminView above.
        from insights.views.codebook_exchange import CodebookExportView, CodebookImportView

        return [
            *super().get_urlpatterns(),
            path("archive/<int:pk>/", CodeArchiveView.as_view(), name="archive"),
            path("restore/<int:pk>/", CodeRestoreView.as_view(), name="restore"),
            path("merge/<int:pk>/", CodeMergeView.as_view(), name="merge"),
            path("import/", CodebookImportView.as_view(), name="import"),
            path("export/", CodebookExportView.as_view(), name="export"),
        ]
