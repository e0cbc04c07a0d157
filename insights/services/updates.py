"""Public updates, "Jullie zeiden, wij deden": written from an accepted insight, published
once, and told to the parents whose words are its evidence."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from community.models import Broadcast, NotificationKind, User
from community.services.broadcasts import broadcast_audience, broadcast_start
from config.versions import version_renew
from insights.models import (
    Action,
    Excerpt,
    Insight,
    InsightStatus,
    PublicUpdate,
    UpdateStatus,
)
from insights.rules import can_write_updates
from projects.models import PostStatus

# The results page is kept for visitors under this token (insights.views.updates).
PUBLIC_UPDATES_VERSION = "public-updates-version"


def public_updates_changed() -> None:
    """Forget the kept results page: a published update appeared or changed."""
    version_renew(PUBLIC_UPDATES_VERSION)


# Updates are written only once the agency has said yes to the insight.
UPDATABLE_STATUSES = (InsightStatus.ACCEPTED, InsightStatus.DONE)

UPDATE_FIELDS = (
    "title",
    "title_en",
    "parents_said",
    "parents_said_en",
    "we_do",
    "we_do_en",
    "by_when",
)


def update_publishable_quotes(*, insight: Insight) -> QuerySet[Excerpt]:
    """The insight's evidence that may be quoted in public: a quote that is still there, of a
    post that is published and not removed."""
    return (
        Excerpt.objects.filter(
            insights=insight,
            quote_removed_at__isnull=True,
            post__status=PostStatus.PUBLISHED,
            post__removed_at__isnull=True,
        )
        .exclude(quote="")
        .order_by("created_at", "pk")
    )


def update_recipients(*, insight: Insight) -> QuerySet[User]:
    """The parents whose excerpts are evidence for the insight and who are still members
    (staff and erased accounts are not told); one query."""
    authors = Excerpt.objects.filter(insights=insight, author__isnull=False).values("author_id")
    return User.objects.members().filter(pk__in=authors)


def update_url(update: PublicUpdate) -> str:
    """The update's own page, as a Dutch path (notifications store Dutch paths)."""
    with translation.override("nl"):
        return reverse("update_detail", args=[update.pk])


def _require_writer(user: User) -> None:
    if not can_write_updates(user):
        raise PermissionDenied("Only community staff write public updates.")


def _update_clean(update: PublicUpdate) -> None:
    """full_clean, and the longest text a TextField allows (Django checks that only in forms)."""
    errors: dict[str, list] = {}
    try:
        update.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name in ("parents_said", "parents_said_en", "we_do", "we_do_en"):
        limit = PublicUpdate._meta.get_field(name).max_length
        if name not in errors and len(getattr(update, name)) > limit:
            errors[name] = [
                ValidationError(
                    _("Write at most %(limit)d characters (now %(length)d)."),
                    code="max_length",
                    params={"limit": limit, "length": len(getattr(update, name))},
                )
            ]
    if errors:
        raise ValidationError(errors)


def _quotes_clean(insight: Insight, quotes: Iterable[Excerpt]) -> list[Excerpt]:
    quotes = list(quotes)
    allowed = set(
        update_publishable_quotes(insight=insight)
        .filter(pk__in=[quote.pk for quote in quotes])
        .values_list("pk", flat=True)
    )
    if any(quote.pk not in allowed for quote in quotes):
        raise ValidationError(
            {
                "quotes": _(
                    "Pick quotes from this insight's evidence only, from posts that are "
                    "published and whose words were not removed."
                )
            }
        )
    return quotes


@transaction.atomic
def update_create(
    *,
    insight: Insight,
    user: User,
    title: str,
    parents_said: str,
    we_do: str,
    title_en: str = "",
    parents_said_en: str = "",
    we_do_en: str = "",
    by_when: datetime.date | None = None,
    quotes: Iterable[Excerpt] = (),
) -> PublicUpdate:
    """A draft update for an accepted (or done) insight. Quotes only from the insight's
    publishable evidence; nothing is saved when any field is wrong. Audited."""
    _require_writer(user)
    if insight.status not in UPDATABLE_STATUSES:
        raise ValidationError(
            _("Write a public update only for an insight that was accepted or is done.")
        )
    update = PublicUpdate(
        insight=insight,
        title=title,
        title_en=title_en,
        parents_said=parents_said,
        parents_said_en=parents_said_en,
        we_do=we_do,
        we_do_en=we_do_en,
        by_when=by_when,
        created_by=user,
    )
    _update_clean(update)
    quotes = _quotes_clean(insight, quotes)
    update.save()
    update.quotes.set(quotes)
    log(instance=update, action="insights.update_created", user=user, title=update.title)
    return update


@transaction.atomic
def update_edit(
    *,
    update: PublicUpdate,
    user: User,
    quotes: Iterable[Excerpt] | None = None,
    **fields: object,
) -> PublicUpdate:
    """Change an update's text, date or picked quotes (a published one too: its readers see
    the change; nobody is notified again). Audited with the names of the changed fields."""
    _require_writer(user)
    unknown = set(fields) - set(UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown update fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(update, name) != value]
    for name, value in fields.items():
        setattr(update, name, value)
    _update_clean(update)
    if quotes is not None:
        quotes = _quotes_clean(update.insight, quotes)
        if {quote.pk for quote in quotes} != set(update.quotes.values_list("pk", flat=True)):
            changed.append("quotes")
    update.save()
    if quotes is not None:
        update.quotes.set(quotes)
    log(
        instance=update,
        action="insights.update_edited",
        user=user,
        title=update.title,
        data={"fields": changed},
    )
    return update


@transaction.atomic
def update_publish(*, update: PublicUpdate, user: User) -> bool:
    """Publish a draft: from now on anyone reads it, on the results page and on the pages of
    the insight's projects. Counts the distinct parents behind the evidence now (shown only
    from PRIVACY_THRESHOLD on) and tells each of them, once.

    Publishing an update that is published already (a second click, two moderators at
    once) changes nothing and sends nothing: returns False then.
    """
    _require_writer(user)
    insight = update.insight
    if insight.status not in UPDATABLE_STATUSES:
        raise ValidationError(
            _("Publish an update only for an insight that was accepted or is done.")
        )
    now = timezone.now()
    parent_count = Excerpt.objects.filter(insights=insight).parent_count()
    # The status moves from draft to published in one statement: of two requests at once,
    # only one changes the row, and only that one notifies.
    published = PublicUpdate.objects.filter(pk=update.pk, status=UpdateStatus.DRAFT).update(
        status=UpdateStatus.PUBLISHED, published_at=now, parent_count=parent_count
    )
    if not published:
        update.refresh_from_db()
        return False
    update.status, update.published_at, update.parent_count = (
        UpdateStatus.PUBLISHED,
        now,
        parent_count,
    )
    log(
        instance=update,
        action="insights.update_published",
        user=user,
        title=update.title,
        data={"parent_count": parent_count},
    )
    public_updates_changed()  # update() above sends no signal
    _parents_notify(update, actor=user)
    return True


@broadcast_audience
def update_audience(broadcast: Broadcast) -> QuerySet[User]:
    """A published update's broadcast reaches the parents behind its insight's evidence."""
    update = PublicUpdate.objects.filter(pk=broadcast.target_id).select_related("insight").first()
    if update is None:
        return User.objects.none()
    return update_recipients(insight=update.insight)


def _parents_notify(update: PublicUpdate, actor: User | None) -> None:
    # A broadcast: however many parents, the request only queues the work, in its transaction.
    broadcast_start(
        kind=NotificationKind.RESULTS,
        audience=update_audience,
        target_id=update.pk,
        title={"nl": update.title, "en": update.title_en},
        url=update_url(update),
        actor=actor,
    )


@transaction.atomic
def update_action_changed_notify(action: Action) -> None:
    """When an action of an insight with a published update changes status, the parents
    behind the insight hear of it (linked to the latest published update). Nothing when the
    insight has no published update yet: they will hear when it is published."""
    update = PublicUpdate.objects.published().filter(insight_id=action.insight_id).first()
    if update is not None:
        _parents_notify(update, actor=None)


def updates_for_member(*, user: User, limit: int) -> list[PublicUpdate]:
    """The published updates the member's words contributed to, newest first; one query."""
    if not user.is_authenticated:
        return []
    return list(
        PublicUpdate.objects.published()
        .filter(insight__evidence__author=user)
        .distinct()
        .order_by("-published_at", "-pk")[:limit]
    )


def _action_status_changed_register() -> None:
    try:
        from insights.services.insights import ACTION_STATUS_CHANGED
    except ImportError:  # the insights feature has not exposed its hook (yet)
        return
    if update_action_changed_notify not in ACTION_STATUS_CHANGED:
        ACTION_STATUS_CHANGED.append(update_action_changed_notify)


_action_status_changed_register()
