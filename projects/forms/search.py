"""Search forms: members search one project; staff search every project with filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.models import ProjectPage, TopicPage

QUERY_MAX_LENGTH = 200


class PostSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search in this project"),
        max_length=QUERY_MAX_LENGTH,
        strip=True,
        widget=forms.SearchInput(),
        error_messages={"required": _("Type a word to search for.")},
    )


class StaffPostSearchForm(PostSearchForm):
    """The members' search box, over every project, with filters."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=ProjectPage.objects.order_by("title"),
        required=False,
        empty_label=_("All projects"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=TopicPage.objects.order_by("title"),
        required=False,
        empty_label=_("All topics"),
    )
    date_from = forms.DateField(
        label=_("Posted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Posted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Words")

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", ValidationError(_("This date is before the first date.")))
        project, topic = cleaned.get("project"), cleaned.get("topic")
        if project and topic and not topic.is_child_of(project):
            self.add_error("topic", ValidationError(_("This topic is not in the chosen project.")))
        return cleaned
