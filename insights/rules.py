"""Who may do what with codes, excerpts, analysis, insights and public updates.

Only community staff (User.is_community_staff: researchers, moderators and administrators
whose session passed the second factor) work here; parents, team leads and complaints
officers never reach codes, excerpts, memos, analysis, exports or unpublished insights and
updates. Each feature keeps its predicates in its own block below.
"""

from community.models import Role, User
from community.models.users import COMMUNITY_ROLES
from insights.models.exports import ExportKind
from projects.rules import can_export_posts


def _is_researcher_or_admin(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_community_staff
        and (user.is_superuser or user.has_role(Role.RESEARCHER) or user.has_role(Role.ADMIN))
    )


# --- codebook ---


def can_manage_codes(user: User) -> bool:
    """Researchers, moderators and administrators add and edit codes."""
    return user.is_authenticated and user.is_community_staff


def can_delete_or_merge_code(user: User, code) -> bool:
    """A project's codes: whoever manages codes. Global codes are a locked codebook: only
    researchers and administrators delete, merge, archive or restore them."""
    if not can_manage_codes(user):
        return False
    return not code.is_global or _is_researcher_or_admin(user)


# --- coding ---


def can_code(user: User) -> bool:
    """Researchers, moderators and administrators code what parents wrote."""
    return user.is_authenticated and user.is_community_staff


def can_change_excerpt(user: User, excerpt) -> bool:
    """Uncode, delete or edit the memo of an excerpt: anyone who codes; in a blind round
    only its own coder (the others must not even see it)."""
    if not can_code(user):
        return False
    return excerpt.coding_round_id is None or excerpt.coder_id == user.pk


def can_request_double_coding(user: User) -> bool:
    """Researchers (and administrators) ask two moderators to code a topic blind."""
    return _is_researcher_or_admin(user)


# --- analysis and export ---


def can_view_analysis(user: User) -> bool:
    return user.is_authenticated and user.is_community_staff


def can_export_coded_data(user: User) -> bool:
    """Researchers and administrators export; moderators do not (as for posts)."""
    return _is_researcher_or_admin(user)


def can_import_coded_data(user: User) -> bool:
    """Researchers and administrators bring in a REFI-QDA project's codings."""
    return _is_researcher_or_admin(user)


# --- insights and actions ---


def can_edit_insights(user: User) -> bool:
    """Researchers, moderators and administrators see the insights board, write insights,
    their evidence and actions, change their status and print a project's report."""
    return user.is_authenticated and user.is_community_staff


# --- public updates ---


def can_write_updates(user: User) -> bool:
    """Researchers, moderators and administrators write, edit and publish public updates."""
    return user.is_authenticated and user.is_community_staff


def can_view_update(user: User, update) -> bool:
    """Anyone, logged in or not, reads a published update; drafts only community staff."""
    return update.status == "published" or can_write_updates(user)


# --- blind double coding ---


def can_be_round_coder(user: User) -> bool:
    """Whom a researcher may ask to code blind: accounts holding a community role
    (researcher, moderator, administrator). Judged on the account, not on a session."""
    return user.is_active and (
        user.is_superuser or any(role in COMMUNITY_ROLES for role in user.roles)
    )


def is_round_coder(user: User, coding_round) -> bool:
    """The user is one of the round's coders (uses prefetched coders when there are)."""
    return user.is_authenticated and any(
        entry.coder_id == user.pk for entry in coding_round.coders.all()
    )


def can_list_coding_rounds(user: User) -> bool:
    """Everyone who codes sees the rounds they take part in ("My coding rounds")."""
    return can_code(user)


def can_view_coding_round(user: User, coding_round) -> bool:
    """The round's coders and the researchers and administrators who ask for rounds."""
    return can_request_double_coding(user) or (
        can_code(user) and is_round_coder(user, coding_round)
    )


def can_code_in_round(user: User, coding_round) -> bool:
    """A coder codes in the round until they mark their coding done."""
    return can_code(user) and any(
        entry.coder_id == user.pk and entry.done_at is None for entry in coding_round.coders.all()
    )


# --- export jobs ---


def can_start_export(user: User, kind: str) -> bool:
    """A project's posts: whoever may export posts (projects.rules.can_export_posts); its
    coded excerpts: whoever may export coded data. Both are researchers and administrators."""
    if kind == ExportKind.CODED_EXCERPTS:
        return can_export_coded_data(user)
    return can_export_posts(user)


def can_list_exports(user: User) -> bool:
    """Everyone who may start an export sees their own exports."""
    return can_export_posts(user) or can_export_coded_data(user)


def can_download_export(user: User, job) -> bool:
    """Today's permission to export this kind of data, and only the person who asked for the
    file or an administrator: another researcher's export stays theirs."""
    return can_start_export(user, job.kind) and (
        job.requested_by_id == user.pk or user.is_superuser or user.has_role(Role.ADMIN)
    )
