"""Short feedback loops: contacts, micro-surveys with one-time links, the helpline and e-mail
channels, follow-up items and the monthly report."""

from feedback.models.analysis import (
    ActionFeedbackEvidence,
    MonthlyReport,
    ReportAdjustment,
    ResponseCoding,
)
from feedback.models.followups import (
    FOLLOW_UP_WORKING_DAYS,
    LOW_SCORE,
    FollowUp,
    FollowUpEvent,
    FollowUpReason,
    FollowUpStatus,
)
from feedback.models.organisation import Region, StaffMember, Team
from feedback.models.surveys import (
    COMMENT_MAX_LENGTH,
    INVITATION_VALID_FOR,
    QUESTION_CHANNELS,
    Channel,
    Contact,
    Invitation,
    MailSuppression,
    QuestionAnswered,
    Response,
    SurveyMailRecord,
    SurveyOptOut,
    SurveyVersion,
    WebhookMessage,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "FOLLOW_UP_WORKING_DAYS",
    "INVITATION_VALID_FOR",
    "LOW_SCORE",
    "QUESTION_CHANNELS",
    "ActionFeedbackEvidence",
    "Channel",
    "Contact",
    "FollowUp",
    "FollowUpEvent",
    "FollowUpReason",
    "FollowUpStatus",
    "Invitation",
    "MailSuppression",
    "MonthlyReport",
    "QuestionAnswered",
    "Region",
    "ReportAdjustment",
    "Response",
    "ResponseCoding",
    "StaffMember",
    "SurveyMailRecord",
    "SurveyOptOut",
    "SurveyVersion",
    "Team",
    "WebhookMessage",
]
