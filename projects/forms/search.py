"""Search forms: members search one project; staff search every project with filters."""

from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
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


class _TitleChoiceIterator(ModelChoiceIterator):
    """Options from (id, title) rows: no page object is built for each of a thousand topics."""

    def __iter__(self) -> Iterator[tuple]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, title in self.queryset.values_list("pk", "title"):
            yield (ModelChoiceIteratorValue(pk, None), title)


class _PlainSelect(forms.Select):
    """A select written in one pass instead of one template per option: with every topic of
    every project (a thousand at scale) the template way took a quarter of a second."""

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class _PageChoiceField(forms.ModelChoiceField):
    """Chooses a page by its title; still cleans to the page itself."""

    iterator = _TitleChoiceIterator
    widget = _PlainSelect


class StaffPostSearchForm(PostSearchForm):
    """The members' search box, over every project, with filters."""

    project = _PageChoiceField(
        label=_("Project"),
        queryset=ProjectPage.objects.order_by("title"),
        required=False,
        empty_label=_("All projects"),
    )
    topic = _PageChoiceField(
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
