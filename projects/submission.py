"""One submit, one write: the one-time key a form that creates a post carries.

Every answer, reply, follow-up question and poll form holds a hidden `submission_key`, a
fresh uuid4 each time the form is shown. The post it makes stores the key, and the database
allows one post per author and key (`post_once_per_submission_key`): a double click, a
resubmit after a timeout or two tabs restored from one page make one post, and the second
request gets the same result page as the first (see projects.services.posts.post_create).

A form that comes back with an error keeps its key, so the corrected resubmit still counts
once. A missing or malformed key (a page opened before this was deployed, a hand-made
request) gets a fresh one: the submit is treated as new, as it always was, rather than
refused with an error at a field the member cannot see or fix.

Kept renderings (the topic page and its thread, shared by many readers: projects.thread,
projects.topic_page) carry SUBMISSION_KEY_MARK instead of a key; `submission_keys_fill`
gives each form of each response its own key, like the form token.

Flags need no key: one flag per member and post is their natural key (flag_create).
"""

import uuid

from django import forms
from django.utils.safestring import SafeString, mark_safe

SUBMISSION_KEY_FIELD = "submission_key"
# NUL never reaches a form value or a post (see projects.thread's marks).
SUBMISSION_KEY_MARK = "\x00submission-key\x00"


def submission_key_parse(value: object) -> uuid.UUID | None:
    """The key a form sent, or None when it is missing or not a UUID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def submission_keys_fill(html: str) -> str:
    """`html` with a fresh key in place of each mark: every form in a response has its own."""
    if SUBMISSION_KEY_MARK not in html:
        return html
    first, *rest = html.split(SUBMISSION_KEY_MARK)
    filled = first + "".join(f"{uuid.uuid4()}{part}" for part in rest)
    return mark_safe(filled) if isinstance(html, SafeString) else filled


class SubmissionKeyForm(forms.Form):
    """A form that creates something: a hidden one-time key, new when the form is shown, the
    same when it comes back with an error. `cleaned_data["submission_key"]` is always a UUID.
    """

    # A callable initial: called each time an unbound form is shown.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name = self.add_prefix(SUBMISSION_KEY_FIELD)
        if self.is_bound and submission_key_parse(self.data.get(name)) is None:
            # A fresh key, so that the page shown again with an error carries one as well.
            self.data = self.data.copy()
            self.data[name] = str(uuid.uuid4())
