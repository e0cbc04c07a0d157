"""Members and staff: accounts, research profiles, consent, segments and notifications."""

from community.models.consent import ConsentDocument, ConsentKind, ConsentRecord
from community.models.notifications import (
    Broadcast,
    BroadcastBatch,
    BroadcastStatus,
    EmailFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from community.models.profiles import (
    AgeBand,
    Child,
    FamilySituation,
    HomeLanguage,
    Language,
    MemberProfile,
    Province,
    ServiceChannel,
)
from community.models.segments import Segment, SegmentRule
from community.models.users import COMMUNITY_ROLES, PseudonymHold, Role, User, UserManager

__all__ = [
    "COMMUNITY_ROLES",
    "AgeBand",
    "Broadcast",
    "BroadcastBatch",
    "BroadcastStatus",
    "Child",
    "ConsentDocument",
    "ConsentKind",
    "ConsentRecord",
    "EmailFrequency",
    "FamilySituation",
    "HomeLanguage",
    "Language",
    "MemberProfile",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Province",
    "PseudonymHold",
    "Role",
    "Segment",
    "SegmentRule",
    "ServiceChannel",
    "User",
    "UserManager",
]
