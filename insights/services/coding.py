"""Coding what parents wrote: excerpts of posts and the codes applied to them.

Offsets are character offsets (code points) in `post_plain_text(post.body)`, the one plain
text of a post; the quote is always cut from that text here, never taken from the browser.
Every coding and uncoding is written to Wagtail's audit log with who, which code and which
post and excerpt. The log never carries the quote: it is a parent's words, and it must go
when they ask for their posts to be removed.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from community.models import User
from insights.models import Code, Coding, CodingRound, Excerpt
from insights.models.coding import MEMO_MAX_LENGTH, excerpt_author_key
from insights.rules import can_change_excerpt, can_code
from projects.models import Post
from projects.post_text import post_plain_text

LOG_CODED = "insights.excerpt_coded"
LOG_UNCODED = "insights.excerpt_uncoded"
LOG_DELETED = "insights.excerpt_deleted"
LOG_MEMO = "insights.excerpt_memo_updated"


def _log_title(excerpt: Excerpt) -> str:
    # Not str(excerpt): that is the quote, a parent's words, which the log must not keep.
    return f"excerpt {excerpt.pk} · post {excerpt.post_id}"


def _memo_validate(memo: str) -> str:
    memo = memo.strip()
    if len(memo) > MEMO_MAX_LENGTH:
        raise ValidationError(
            {
                "memo": _("Keep the memo to %(max)d characters (it has %(length)d).")
                % {"max": MEMO_MAX_LENGTH, "length": len(memo)}
            }
        )
    return memo


def _passage(text: str, start: int | None, end: int | None) -> tuple[int, int]:
    if start is None and end is None:
        if not text:
            raise ValidationError({"post": _("This post has no text to code.")})
        return 0, len(text)
    if start is None or end is None:
        raise ValidationError({"start": _("Give both the start and the end of the passage.")})
    if start < 0 or end > len(text):
        raise ValidationError(
            {"start": _("The passage lies outside the text of the post. Select it again.")}
        )
    if start >= end:
        raise ValidationError({"start": _("The passage is empty. Select some text first.")})
    return start, end


def _codes_validate(codes: list[Code], project_id: int | None) -> None:
    if not codes:
        raise ValidationError({"codes": _("Choose at least one code.")})
    for code in codes:
        if code.archived_at is not None:
            raise ValidationError(
                {"codes": _("The code “%(code)s” is archived.") % {"code": code.name}}
            )
        if code.project_id is not None and code.project_id != project_id:
            raise ValidationError(
                {
                    "codes": _(
                        "The code “%(code)s” belongs to another project: it cannot be used here."
                    )
                    % {"code": code.name}
                }
            )


@transaction.atomic
def excerpt_code(
    *,
    coder: User,
    post: Post,
    start: int | None,
    end: int | None,
    codes: Iterable[Code],
    memo: str = "",
    coding_round: CodingRound | None = None,
) -> Excerpt:
    """Apply codes to a passage of a post (None offsets: the whole post) and return its
    excerpt.

    Guarantees: one excerpt per post, passage, coder and round (found again, not doubled);
    a code applied twice to the same passage stays one coding, without an error; the quote is
    the exact slice of the post's plain text; author_key is the author's research id (blank
    for staff authors and erased accounts). Refuses, saving nothing: a coder who may not code
    or may not see the post (PermissionDenied); no codes, archived codes, codes of another
    project, a memo over 2,000 characters, offsets outside the text or start ≥ end
    (ValidationError). A non-empty memo replaces the excerpt's memo; an empty one keeps it.
    Each new coding is audited.
    """
    if not can_code(coder) or not Post.objects.visible_to(coder).filter(pk=post.pk).exists():
        raise PermissionDenied(_("You may not code this post."))
    codes = list({code.pk: code for code in codes}.values())
    memo = _memo_validate(memo)
    project_id = post.project_id or post.topic.project.pk
    _codes_validate(codes, project_id)
    text = post_plain_text(post.body)
    start, end = _passage(text, start, end)

    excerpt = (
        Excerpt.objects.select_for_update()
        .filter(post=post, start=start, end=end, coder=coder, coding_round=coding_round)
        .first()
    )
    if excerpt is None:
        author = post.author
        excerpt = Excerpt(
            post=post,
            topic_id=post.topic_id,
            project_id=project_id,
            author=author,
            author_key=excerpt_author_key(author),
            quote=text[start:end],
            start=start,
            end=end,
            memo=memo,
            coder=coder,
            coding_round=coding_round,
        )
        excerpt.full_clean()
        excerpt.save()
    elif memo and memo != excerpt.memo:
        excerpt.memo = memo
        excerpt.full_clean()
        excerpt.save(update_fields=["memo"])

    present = set(excerpt.codings.values_list("code_id", flat=True))
    new = [code for code in codes if code.pk not in present]
    Coding.objects.bulk_create([Coding(excerpt=excerpt, code=code, coder=coder) for code in new])
    for code in new:
        log(
            instance=excerpt,
            action=LOG_CODED,
            user=coder,
            title=_log_title(excerpt),
            data={"code": code.pk, "code_name": code.name, "post": post.pk, "excerpt": excerpt.pk},
        )
    return excerpt


def _change_check(user: User, excerpt: Excerpt) -> None:
    if not can_change_excerpt(user, excerpt):
        raise PermissionDenied(_("You may not change this excerpt."))


@transaction.atomic
def coding_remove(*, user: User, coding: Coding) -> None:
    """Take one code off an excerpt (uncode). The excerpt stays, with its other codes and
    memo, until someone deletes it. Audited."""
    excerpt = coding.excerpt
    _change_check(user, excerpt)
    code = coding.code
    coding.delete()
    log(
        instance=excerpt,
        action=LOG_UNCODED,
        user=user,
        title=_log_title(excerpt),
        data={
            "code": code.pk,
            "code_name": code.name,
            "post": excerpt.post_id,
            "excerpt": excerpt.pk,
        },
    )


@transaction.atomic
def excerpt_delete(*, user: User, excerpt: Excerpt) -> None:
    """Delete an excerpt with all its codings. Audited, with the codes it had."""
    _change_check(user, excerpt)
    codes = list(excerpt.codings.select_related("code").order_by("pk"))
    log(
        instance=excerpt,
        action=LOG_DELETED,
        user=user,
        title=_log_title(excerpt),
        data={
            "codes": [coding.code_id for coding in codes],
            "code_names": [coding.code.name for coding in codes],
            "post": excerpt.post_id,
            "excerpt": excerpt.pk,
        },
    )
    excerpt.delete()


@transaction.atomic
def excerpt_memo_update(*, user: User, excerpt: Excerpt, memo: str) -> Excerpt:
    """Replace an excerpt's memo (empty clears it); at most 2,000 characters. Audited."""
    _change_check(user, excerpt)
    excerpt.memo = _memo_validate(memo)
    excerpt.full_clean()
    excerpt.save(update_fields=["memo"])
    log(
        instance=excerpt,
        action=LOG_MEMO,
        user=user,
        title=_log_title(excerpt),
        data={"post": excerpt.post_id, "excerpt": excerpt.pk},
    )
    return excerpt
