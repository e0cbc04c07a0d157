"""Projects' models by domain: the site's pages, research projects and topics, posts, and
moderation."""

from projects.models.base import BilingualPage
from projects.models.moderation import Flag, FlagReason, ModerationAction, ModerationDecision
from projects.models.pages import HomePage, ProjectIndexPage, SiteLinks, StandardPage
from projects.models.posts import (
    HoldReason,
    Post,
    PostQuerySet,
    PostStatus,
    Reaction,
    TopicStanding,
)
from projects.models.projects import (
    Audience,
    ModerationMode,
    PollOption,
    PollVote,
    ProjectPage,
    ProjectPageQuerySet,
    ProjectStatus,
    ResponseMode,
    TopicPage,
    TopicPageForm,
)

__all__ = [
    "Audience",
    "BilingualPage",
    "Flag",
    "FlagReason",
    "HoldReason",
    "HomePage",
    "ModerationAction",
    "ModerationDecision",
    "ModerationMode",
    "PollOption",
    "PollVote",
    "Post",
    "PostQuerySet",
    "PostStatus",
    "ProjectIndexPage",
    "ProjectPage",
    "ProjectPageQuerySet",
    "ProjectStatus",
    "Reaction",
    "ResponseMode",
    "SiteLinks",
    "StandardPage",
    "TopicPage",
    "TopicPageForm",
    "TopicStanding",
]
