"""Who may do what in projects: plain predicates, one per action, shared by views, templates
and services so that a button is shown exactly when the action behind it is allowed.

Each feature appends its own predicates at the end of this module.
"""

import datetime

from django.utils import timezone
from django.utils.functional import cached_property

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
    """A live topic in a project whose audience includes the user (community staff see every
    project)."""
    return user.is_authenticated and topic.live and _audience_allows(user, topic)


def can_take_part(user: User) -> bool:
    """Parents who finished onboarding, and community staff (who write with a role badge)."""
    return user.is_authenticated and (user.is_community_staff or member_can_take_part(user))


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


def _published(post: Post) -> bool:
    """Published and not removed by its author (and so readable: not hidden)."""
    return post.removed_at is None and post.status == PostStatus.PUBLISHED


def post_in_edit_window(post: Post, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) - post.created_at <= EDIT_WINDOW


class TopicReader:
    """What one user may do in one topic, decided once; the per-post rules below then ask
    only the post's own facts (author, parent, status, removal, time), so that a thread of a
    hundred posts costs a hundred comparisons, not a hundred permission checks.

    The post rules take anything with those attributes: a Post, or the thread's cached copy
    of one (projects.thread). They assume the user can see the post; can_* below add that.
    """

    def __init__(self, user: User, topic: TopicPage) -> None:
        self.user = user
        self.topic = topic
        self.user_id = user.pk if user.is_authenticated else None

    @cached_property
    def is_staff(self) -> bool:
        return self.user_id is not None and self.user.is_community_staff

    @cached_property
    def may_view(self) -> bool:
        return can_view_topic(self.user, self.topic)

    @cached_property
    def writable(self) -> bool:
        return topic_is_writable(self.topic)

    @cached_property
    def may_post(self) -> bool:
        return can_post(self.user, self.topic)

    @cached_property
    def member_may_take_part(self) -> bool:
        return member_can_take_part(self.user)

    def _others_published(self, post) -> bool:
        return self.user_id is not None and post.author_id != self.user_id and _published(post)

    def may_reply(self, post) -> bool:
        """Reply to an answer: one level deep, to a published post."""
        return post.parent_id is None and _published(post) and self.may_post

    def may_probe(self, post) -> bool:
        """Staff ask the parent who wrote this answer a follow-up question."""
        return (
            self.is_staff
            and post.parent_id is None
            and post.author_id is not None
            and post.author_id != self.user_id
            and _readable(post)
            and self.may_post
        )

    def may_edit(self, post, now: datetime.datetime | None = None) -> bool:
        """The author, within 30 minutes of posting, while the topic is open for writing."""
        return (
            self.user_id is not None
            and post.author_id == self.user_id
            and _readable(post)
            and post_in_edit_window(post, now)
            and self.may_post
        )

    def may_delete(self, post) -> bool:
        """The author removes their own post while the topic is open for writing."""
        return (
            self.user_id is not None
            and post.author_id == self.user_id
            and post.removed_at is None
            and self.may_post
        )

    def may_react(self, post) -> bool:
        """A parent says "herkenbaar" to someone else's published post."""
        return (
            self._others_published(post)
            and self.member_may_take_part
            and self.may_view
            and self.writable
        )

    def may_flag(self, post) -> bool:
        """Report someone else's published post (once: see flag_create)."""
        return self._others_published(post) and self.may_view


def can_reply(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_reply(post) and _visible_to(user, post)


def can_probe(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_probe(post)


def can_edit_post(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_edit(post)


def can_delete_post(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_delete(post)


def can_react(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_react(post) and _visible_to(user, post)


# --- moderation ---


def can_flag(user: User, post: Post) -> bool:
    return TopicReader(user, post.topic).may_flag(post) and _visible_to(user, post)


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
    if not user.is_authenticated or not user.staff_powers:
        return False
    if not (user.is_superuser or user.has_role(Role.RESEARCHER) or user.has_role(Role.ADMIN)):
        return False
    return project.permissions_for_user(user).can_publish()


# --- search, statistics and export ---

EXPORT_ROLES = (Role.RESEARCHER, Role.ADMIN)


def _has_any_role(user: User, roles: tuple[Role, ...]) -> bool:
    return (
        user.is_authenticated
        and user.staff_powers
        and (user.is_superuser or any(user.has_role(role) for role in roles))
    )


def can_search_all_posts(user: User) -> bool:
    """Researchers, moderators and administrators search every post of every project."""
    return user.is_authenticated and user.is_community_staff


def can_view_project_statistics(user: User) -> bool:
    """Researchers, moderators and administrators see a project's statistics."""
    return user.is_authenticated and user.is_community_staff


def can_export_posts(user: User) -> bool:
    """Researchers and administrators: the export is research data. Moderators work on
    single posts in the queue and have no need for a bulk copy."""
    return _has_any_role(user, EXPORT_ROLES)
