"""The vote form of a poll topic: radio buttons or checkboxes, and a comment where allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import PollOption, TopicPage
from projects.post_text import TEXT_MAX_LENGTH
from projects.submission import SubmissionKeyForm


class PollVoteForm(SubmissionKeyForm):
    """The vote and its one-time key, which the comment's post stores (the vote itself is
    once per member: see poll_vote)."""

    def __init__(self, *args, topic: TopicPage, options: list[PollOption], **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_poll_%s")
        super().__init__(*args, **kwargs)
        choices = [(str(option.pk), option.localized_label) for option in options]
        errors = {"required": _("Choose an option.")}
        if topic.poll_multiple:
            self.fields["options"] = forms.MultipleChoiceField(
                label=_("Choose one or more options"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    **errors,
                    "invalid_choice": _("Choose from the options of this poll."),
                },
            )
        else:
            self.fields["options"] = forms.ChoiceField(
                label=_("Choose one option"),
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    **errors,
                    "invalid_choice": _("Choose from the options of this poll."),
                },
            )
        if topic.poll_comment:
            self.fields["comment"] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                strip=False,
                max_length=TEXT_MAX_LENGTH * 2,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Other parents see your comment with your pseudonym, not your vote."),
            )

    def option_ids(self) -> list[int]:
        chosen = self.cleaned_data["options"]
        return [int(value) for value in ([chosen] if isinstance(chosen, str) else chosen)]
