"""Wagtail admin: blind double coding. A researcher starts a round, each coder codes the
topic blind and marks done, then the round shows the agreement per code."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from community.models import User
from community.models.users import COMMUNITY_ROLES
from insights.models import Code, Coding, CodingRound, Excerpt
from insights.models.coding import MEMO_MAX_LENGTH
from insights.rules import (
    can_code_in_round,
    can_list_coding_rounds,
    can_request_double_coding,
    can_view_coding_round,
    is_round_coder,
)
from insights.services.agreement import round_agreement
from insights.services.coding import coding_remove, excerpt_code
from insights.services.rounds import (
    coder_name,
    coding_round_done,
    coding_round_is_complete,
    coding_round_start,
    coding_rounds_for,
    coding_rounds_with_coders,
)
from projects.models import Post, TopicPage
from projects.post_text import post_plain_text


class CoderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return coder_name(obj)


def round_coder_candidates() -> QuerySet[User]:
    """Active accounts holding a community role: whom a round may ask to code."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[role.value for role in COMMUNITY_ROLES]))
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class CodingRoundStartForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=TopicPage.objects.none(), empty_label=None
    )
    first_coder = CoderChoiceField(label=_("First coder"), queryset=User.objects.none())
    second_coder = CoderChoiceField(label=_("Second coder"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = TopicPage.objects.order_by("title")
        self.fields["first_coder"].queryset = round_coder_candidates()
        self.fields["second_coder"].queryset = round_coder_candidates()


class WholePostCodingForm(forms.Form):
    post = forms.IntegerField(widget=forms.HiddenInput)
    codes = forms.ModelMultipleChoiceField(
        label=_("Codes"),
        queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one code.")},
    )
    memo = forms.CharField(
        label=_("Memo (optional)"),
        required=False,
        max_length=MEMO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, codes: QuerySet[Code], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = codes


def _round_or_404(round_id: int) -> CodingRound:
    return get_object_or_404(coding_rounds_with_coders(), pk=round_id)


def _round_url(coding_round: CodingRound) -> str:
    return reverse("insights_admin_round", args=[coding_round.pk])


@require_http_methods(["GET"])
def admin_coding_rounds(request: HttpRequest) -> HttpResponse:
    if not can_list_coding_rounds(request.user):
        raise PermissionDenied
    rounds = list(coding_rounds_for(request.user))
    for coding_round in rounds:
        coding_round.is_complete = coding_round_is_complete(coding_round)
        coding_round.user_codes_here = can_code_in_round(request.user, coding_round)
    return render(
        request,
        "insights/rounds/round_list.html",
        {"rounds": rounds, "can_start": can_request_double_coding(request.user)},
    )


@require_http_methods(["GET", "POST"])
def admin_coding_round_start(request: HttpRequest) -> HttpResponse:
    if not can_request_double_coding(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CodingRoundStartForm(request.POST)
        if form.is_valid():
            try:
                coding_round = coding_round_start(
                    user=request.user,
                    topic=form.cleaned_data["topic"],
                    coders=[form.cleaned_data["first_coder"], form.cleaned_data["second_coder"]],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, gettext("The round has started. Both coders can code now.")
                )
                return HttpResponseRedirect(_round_url(coding_round))
        status = 400
    else:
        form = CodingRoundStartForm(initial={"topic": request.GET.get("topic")})
        status = 200
    return render(request, "insights/rounds/round_start.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def admin_coding_round(request: HttpRequest, round_id: int) -> HttpResponse:
    coding_round = _round_or_404(round_id)
    if not can_view_coding_round(request.user, coding_round):
        raise PermissionDenied
    complete = coding_round_is_complete(coding_round)
    return render(
        request,
        "insights/rounds/round_detail.html",
        {
            "round": coding_round,
            "coders": [
                (coder_name(entry.coder), entry.done_at) for entry in coding_round.coders.all()
            ],
            "complete": complete,
            "is_coder": is_round_coder(request.user, coding_round),
            "can_code": can_code_in_round(request.user, coding_round),
            "agreement": round_agreement(coding_round) if complete else None,
        },
    )


def _coding_page_posts(coding_round: CodingRound, coder: User) -> list[Post]:
    """The topic's posts, each with only this coder's excerpts of this round."""
    own = (
        Excerpt.objects.filter(coding_round=coding_round, coder=coder)
        .prefetch_related(
            Prefetch("codings", queryset=Coding.objects.select_related("code").order_by("pk"))
        )
        .order_by("start", "pk")
    )
    posts = list(
        Post.objects.filter(topic_id=coding_round.topic_id, removed_at__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("excerpts", queryset=own, to_attr="own_excerpts"))
        .order_by("created_at", "pk")
    )
    for post in posts:
        post.plain_text = post_plain_text(post.body)
    return posts


@require_http_methods(["GET", "POST"])
def admin_coding_round_code(request: HttpRequest, round_id: int) -> HttpResponse:
    coding_round = _round_or_404(round_id)
    if not can_code_in_round(request.user, coding_round):
        raise PermissionDenied
    topic = coding_round.topic
    codes = Code.objects.active().for_project(topic.get_parent().pk).order_by("name")
    failed_form = None
    if request.method == "POST":
        if "uncode" in request.POST:
            return _uncode(request, coding_round)
        form = WholePostCodingForm(request.POST, codes=codes)
        if form.is_valid():
            post = Post.objects.filter(
                pk=form.cleaned_data["post"], topic_id=coding_round.topic_id
            ).first()
            if post is None:
                raise PermissionDenied
            try:
                excerpt_code(
                    coder=request.user,
                    post=post,
                    start=None,
                    end=None,
                    codes=form.cleaned_data["codes"],
                    memo=form.cleaned_data["memo"],
                    coding_round=coding_round,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, gettext("The post is coded."))
                return HttpResponseRedirect(f"{request.path}#post-{post.pk}")
        failed_form = form
    posts = _coding_page_posts(coding_round, request.user)
    failed_post = failed_form.data.get("post") if failed_form is not None else None
    failed_codes = set()
    if failed_form is not None:
        failed_codes = {int(pk) for pk in failed_form.data.getlist("codes") if pk.isdigit()}
    for post in posts:
        post.failed_form = failed_form if str(post.pk) == failed_post else None
        post.failed_codes = failed_codes
    return render(
        request,
        "insights/rounds/round_code.html",
        {
            "round": coding_round,
            "posts": posts,
            "codes": list(codes),
            "memo_max_length": MEMO_MAX_LENGTH,
        },
        status=400 if failed_form is not None else 200,
    )


def _uncode(request: HttpRequest, coding_round: CodingRound) -> HttpResponse:
    coding = (
        Coding.objects.select_related("excerpt", "code")
        .filter(
            pk=request.POST.get("uncode") or 0,
            excerpt__coding_round=coding_round,
            excerpt__coder=request.user,
        )
        .first()
    )
    if coding is None:
        raise PermissionDenied
    coding_remove(user=request.user, coding=coding)
    messages.success(request, gettext("The code is taken off."))
    return HttpResponseRedirect(f"{request.path}#post-{coding.excerpt.post_id}")


@require_POST
def admin_coding_round_done(request: HttpRequest, round_id: int) -> HttpResponse:
    coding_round = _round_or_404(round_id)
    if not can_code_in_round(request.user, coding_round):
        raise PermissionDenied
    coding_round_done(user=request.user, coding_round=coding_round)
    messages.success(
        request,
        gettext("Your coding is marked done. You see the other coder's work once they are done."),
    )
    return HttpResponseRedirect(_round_url(coding_round))
