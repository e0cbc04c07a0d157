"""Members flag a post for the moderators. The queue itself lives in the Wagtail admin
(projects/moderation_admin.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from projects import rules
from projects.models import Flag, FlagReason, Post
from projects.services.moderation import FLAG_TEXT_MAX_LENGTH, flag_create
from projects.views.posts import post_or_404


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why does this post need a moderator?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose why this post needs a moderator.")},
    )
    text = forms.CharField(
        label=gettext_lazy("Explanation"),
        help_text=gettext_lazy(
            "Needed for “Something else”. The author does not see who reported the post."
        ),
        required=False,
        max_length=FLAG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reason") == FlagReason.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", _("Tell the moderators what is wrong with this post."))
        return cleaned


def _topic_url(request: HttpRequest, post: Post) -> str:
    return f"{post.topic.get_url(request)}#post-{post.pk}"


def _already_flagged(request: HttpRequest, post: Post) -> HttpResponse:
    messages.info(request, _("You already reported this post. A moderator will look at it."))
    return HttpResponseRedirect(_topic_url(request, post))


@login_required
@require_http_methods(["GET", "POST"])
def post_flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    post = post_or_404(user, pk)  # posts the member cannot read do not exist for them
    if not rules.can_flag(user, post):
        raise PermissionDenied
    already_flagged = Flag.objects.filter(post=post, user=user).exists()
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                # The same report sent twice (a double click) is one flag and the same answer.
                flag_create(
                    user=user,
                    post=post,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) != "already_flagged":
                    form.add_error(None, error)
                else:
                    return _already_flagged(request, post)
            else:
                messages.success(request, _("Thank you. A moderator will look at this post soon."))
                return HttpResponseRedirect(_topic_url(request, post))
        elif already_flagged:
            return _already_flagged(request, post)
    return render(
        request,
        "projects/post_flag.html",
        {
            "post": post,
            "form": form,
            "already_flagged": already_flagged,
            "topic_url": _topic_url(request, post),
        },
    )
