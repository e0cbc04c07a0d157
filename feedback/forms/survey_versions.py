"""The survey questions of one channel, Dutch and English side by side; saving makes the next
version (survey_version_create), so the form only checks and never saves itself."""

from django import forms

from feedback.models import SurveyVersion
from feedback.services.survey_versions import SURVEY_TEXT_FIELDS


class SurveyVersionForm(forms.ModelForm):
    class Meta:
        model = SurveyVersion
        fields = SURVEY_TEXT_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("maxlength", field.max_length)

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in SURVEY_TEXT_FIELDS}
