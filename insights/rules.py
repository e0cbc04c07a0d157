"""Who may do what with codes, excerpts, analysis, insights and public updates.

Only community staff (User.is_community_staff: researchers, moderators and administrators
whose session passed the second factor) work here; parents, team leads and complaints
officers never reach codes, excerpts, memos, analysis, exports or unpublished insights and
updates. Each feature keeps its predicates in its own block below.
"""

from community.models import Role, User


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
    researchers and administrators delete or merge them."""
    if not can_manage_codes(user):
        return False
    return not code.is_global or _is_researcher_or_admin(user)


# --- coding ---


def can_code(user: User) -> bool:
    """Researchers, moderators and administrators code what parents wrote."""
    return user.is_authenticated and user.is_community_staff


def can_request_double_coding(user: User) -> bool:
    """Researchers (and administrators) ask two moderators to code a topic blind."""
    return _is_researcher_or_admin(user)


# --- analysis and export ---


def can_view_analysis(user: User) -> bool:
    return user.is_authenticated and user.is_community_staff


def can_export_coded_data(user: User) -> bool:
    """Researchers and administrators export; moderators do not (as for posts)."""
    return _is_researcher_or_admin(user)


# --- insights and actions ---


def can_edit_insights(user: User) -> bool:
    return user.is_authenticated and user.is_community_staff


# --- public updates ---


def can_write_updates(user: User) -> bool:
    return user.is_authenticated and user.is_community_staff
