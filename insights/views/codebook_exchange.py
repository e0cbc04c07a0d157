"""Import and export of a codebook as CSV or REFI-QDA (.qdc) in the Wagtail admin.

The pages build on CodebookAdminView, so only whoever manages codes reaches them; every import
goes through insights.services.codebook_exchange, which checks the same rules again.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insights.services.codebook_exchange import (
    IMPORT_MAX_BYTES,
    codebook_export_csv,
    codebook_export_qdc,
    codebook_filename,
    codebook_import_csv,
    codebook_import_qdc,
)
from insights.views.codebook import URL_NAMESPACE, CodebookAdminView
from projects.models import ProjectPage


class CodebookChoiceForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Codebook"),
        queryset=ProjectPage.objects.order_by("title"),
        required=False,
        empty_label=_("The global codebook"),
        help_text=_("A project's codebook holds its own codes and the global ones."),
    )


class CodebookImportForm(CodebookChoiceForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A REFI-QDA codebook (.qdc) from NVivo, ATLAS.ti or MAXQDA, or a CSV file with the "
            "columns guid, name, name_en, description, colour and parent (a GUID or a name). "
            "At most 2 MB. A code with the same GUID is updated, the others are added."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("The file is larger than 2 MB. A codebook is much smaller: check the file.")
            )
        if not upload.name.lower().endswith((".csv", ".qdc")):
            raise ValidationError(gettext("Choose a .qdc or a .csv file."))
        return upload


class CodebookImportView(CodebookAdminView):
    template_name = "insights/codebook/import.html"
    form_class = CodebookImportForm
    page_title = _("Import a codebook")
    header_icon = "upload"

    def form_valid(self, form: CodebookImportForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        project = form.cleaned_data["project"]
        importer = (
            codebook_import_qdc if upload.name.lower().endswith(".qdc") else codebook_import_csv
        )
        try:
            result = importer(user=self.request.user, project=project, data=upload.read())
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            gettext("The codebook is imported: %(created)d codes added, %(updated)d updated.")
            % {"created": result.created, "updated": result.updated},
        )
        index_url = reverse(f"{URL_NAMESPACE}:list")
        return HttpResponseRedirect(f"{index_url}?project={project.pk if project else 'null'}")


class CodebookExportForm(CodebookChoiceForm):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("qdc", _("REFI-QDA codebook (.qdc)")), ("csv", _("CSV"))],
        widget=forms.RadioSelect,
        initial="qdc",
    )


class CodebookExportView(CodebookAdminView):
    """The form on a plain visit; the download once the form is sent (a GET, nothing changes)."""

    template_name = "insights/codebook/export.html"
    form_class = CodebookExportForm
    page_title = _("Export a codebook")
    header_icon = "download"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if "format" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return self.download(form.cleaned_data["project"], form.cleaned_data["format"])
        return self.render_to_response(self.get_context_data(form=form))

    def download(self, project: ProjectPage | None, file_format: str) -> HttpResponse:
        if file_format == "csv":
            content: str | bytes = codebook_export_csv(project=project)
            content_type = "text/csv; charset=utf-8"
        else:
            content = codebook_export_qdc(project=project)
            content_type = "application/xml"
        filename = codebook_filename(project=project, extension=file_format)
        return HttpResponse(
            content,
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
