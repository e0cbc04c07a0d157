"""Who may do what in projects: plain predicates, one per action, shared by views, templates
and services so that a button is shown exactly when the action behind it is allowed.

Each feature appends its own predicates at the end of this module.
"""

import datetime

from django.utils import timezone

from community.models import Role, User
from community.services.consent import member_can_take_part
from projects.models import Post, PostStatus, ProjectPage, ResponseMode, TopicPage

EDIT_WINDOW = datetime.timedelta(minutes=30)

# Remembered on the user object for the rest of the request: a topic page asks about the
# audience once, however many posts it shows.
_AUDIENCE_CACHE = "_project_audience_cache"


def _audience_allows(user: User, topic: TopicPage) -> bool:
    cache = getattr(user, _AUDIENCE_CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _AUDIENCE_CACHE, cache)
    project = topic.project
    if project.pk not in cache:
        cache[project.pk] = project.audience_allows(user)
    return cache[project.pk]


def topic_is_expired(topic: TopicPage) -> bool:
    """True once the topic's expiry time has passed, even before Wagtail unpublishes it."""
    return topic.expired or bool(topic.expire_at and topic.expire_at <= timezone.now())


def topic_is_writable(topic: TopicPage) -> bool:
    """Open project and a topic that has not expired: otherwise the topic is read-only."""
    return topic.live and topic.project.is_open and not topic_is_expired(topic)


def can_view_topic(user: User, topic: TopicPage) -> bool:
    """A live topic in a project whose audience includes the user (staff see every project)."""
    return user.is_authenticated and topic.live and _audience_allows(user, topic)


def can_take_part(user: User) -> bool:
    """Parents who finished onboarding, and staff (who write with a role badge)."""
    return user.is_authenticated and (user.is_staff_member or member_can_take_part(user))


def can_post(user: User, topic: TopicPage) -> bool:
    """Write an answer (or a reply) in this topic."""
    return can_take_part(user) and can_view_topic(user, topic) and topic_is_writable(topic)


def _visible_to(user: User, post: Post) -> bool:
    # Posts on a topic page come from Post.objects.visible_to(user), so this is true for
    # every post shown there; the check here guards requests that name a post directly.
    if getattr(post, "_visible_to_user_id", None) == user.pk:
        return True
    return Post.objects.visible_to(user).filter(pk=post.pk).exists()


def _readable(post: Post) -> bool:
    return post.removed_at is None and post.status != PostStatus.HIDDEN


def can_reply(user: User, post: Post) -> bool:
    """Reply to an answer: one level deep, to a published post the user can see."""
    return (
        post.parent_id is None
        and _readable(post)
        and post.status == PostStatus.PUBLISHED
        and can_post(user, post.topic)
        and _visible_to(user, post)
    )


def can_probe(user: User, post: Post) -> bool:
    """Staff ask the parent who wrote this answer a follow-up question."""
    return (
        user.is_authenticated
        and user.is_staff_member
        and post.parent_id is None
        and post.author_id is not None
        and post.author_id != user.pk
        and _readable(post)
        and can_post(user, post.topic)
    )


def post_in_edit_window(post: Post, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) - post.created_at <= EDIT_WINDOW


def can_edit_post(user: User, post: Post) -> bool:
    """The author, within 30 minutes of posting, while the topic is open for writing."""
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and _readable(post)
        and post_in_edit_window(post)
        and can_post(user, post.topic)
    )


def can_delete_post(user: User, post: Post) -> bool:
    """The author removes their own post while the topic is open for writing."""
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and post.removed_at is None
        and can_post(user, post.topic)
    )


def can_react(user: User, post: Post) -> bool:
    """A parent says "herkenbaar" to someone else's published post they can see."""
    return (
        user.is_authenticated
        and post.author_id != user.pk
        and _readable(post)
        and post.status == PostStatus.PUBLISHED
        and member_can_take_part(user)
        and can_view_topic(user, post.topic)
        and topic_is_writable(post.topic)
        and _visible_to(user, post)
    )


# --- moderation ---


def can_flag(user: User, post: Post) -> bool:
    """Report someone else's published post that the user can read (once: see flag_create)."""
    return (
        user.is_authenticated
        and post.author_id != user.pk
        and _readable(post)
        and post.status == PostStatus.PUBLISHED
        and can_view_topic(user, post.topic)
        and _visible_to(user, post)
    )


def can_moderate(user: User) -> bool:
    """Moderators and administrators: the moderation queue and its decisions."""
    return user.is_authenticated and user.has_perm("projects.moderate_post")


# --- polls ---


def can_vote(user: User, topic: TopicPage) -> bool:
    """A parent who may write in this poll topic; staff read the results but never vote, so
    that the results are the parents' own."""
    return (
        topic.response_mode == ResponseMode.POLL
        and user.is_authenticated
        and not user.is_staff_member
        and can_post(user, topic)
    )


# --- invitations ---


def can_invite_audience(user: User, project: ProjectPage) -> bool:
    """Researchers and administrators who may publish the project in the Wagtail admin."""
    if not user.is_authenticated:
        return False
    if not (user.is_superuser or user.has_role(Role.RESEARCHER) or user.has_role(Role.ADMIN)):
        return False
    return project.permissions_for_user(user).can_publish()


# --- search, statistics and export ---

STAFF_READER_ROLES = (Role.RESEARCHER, Role.MODERATOR, Role.ADMIN)
EXPORT_ROLES = (Role.RESEARCHER, Role.ADMIN)


def _has_any_role(user: User, roles: tuple[Role, ...]) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(user.has_role(role) for role in roles)
    )


def can_search_all_posts(user: User) -> bool:
    """Researchers, moderators and administrators search every post of every project."""
    return _has_any_role(user, STAFF_READER_ROLES)


def can_view_project_statistics(user: User) -> bool:
    """Researchers, moderators and administrators see a project's statistics."""
    return _has_any_role(user, STAFF_READER_ROLES)


def can_export_posts(user: User) -> bool:
    """Researchers and administrators: the export is research data. Moderators work on
    single posts in the queue and have no need for a bulk copy."""
    return _has_any_role(user, EXPORT_ROLES)
