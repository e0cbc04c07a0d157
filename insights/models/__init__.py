"""Insights: the codebook, coded excerpts, insights and actions, and public updates."""

from insights.models.codebook import Code
from insights.models.coding import Coding, CodingRound, CodingRoundCoder, Excerpt
from insights.models.exports import ExportFormat, ExportJob, ExportKind, ExportStatus
from insights.models.insights import (
    Action,
    ActionEntry,
    ActionStatus,
    Insight,
    InsightEvidence,
    InsightStatus,
    InsightStatusChange,
    Priority,
)
from insights.models.updates import PRIVACY_THRESHOLD, PublicUpdate, UpdateStatus

__all__ = [
    "PRIVACY_THRESHOLD",
    "Action",
    "ActionEntry",
    "ActionStatus",
    "Code",
    "Coding",
    "CodingRound",
    "CodingRoundCoder",
    "Excerpt",
    "ExportFormat",
    "ExportJob",
    "ExportKind",
    "ExportStatus",
    "Insight",
    "InsightEvidence",
    "InsightStatus",
    "InsightStatusChange",
    "Priority",
    "PublicUpdate",
    "UpdateStatus",
]
