"""The codebook: adding, changing, archiving, deleting and merging codes.

A codebook is the global codes, or one project's codes together with the global ones it uses.
Permissions are checked here against insights.rules, not only in the views, and every write
goes to Wagtail's audit log. Exchanging a codebook with other tools lives in
insights.services.codebook_exchange.
"""

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from community.models import User
from insights.models import Code, Coding
from insights.rules import can_delete_or_merge_code, can_manage_codes
from projects.models import ProjectPage

LOG_CREATED = "insights.code_created"
LOG_CHANGED = "insights.code_changed"
LOG_ARCHIVED = "insights.code_archived"
LOG_RESTORED = "insights.code_restored"
LOG_DELETED = "insights.code_deleted"
LOG_MERGED = "insights.code_merged"

CODE_FIELDS = ("name", "name_en", "description", "colour", "parent", "project")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _code_data(code: Code) -> dict[str, Any]:
    return {
        "id": code.pk,
        "guid": str(code.guid),
        "name": code.name,
        "project": code.project_id,
    }


def codebook_codes(*, project: ProjectPage | None) -> QuerySet[Code]:
    """The codes of a codebook: the global ones, or a project's own with the global ones."""
    codes = (
        Code.objects.for_project(project.pk)
        if project is not None
        else Code.objects.filter(project__isnull=True)
    )
    return codes.select_related("parent", "project")


@transaction.atomic
def code_create(
    *,
    user: User,
    name: str,
    name_en: str = "",
    description: str = "",
    colour: str = "",
    parent: Code | None = None,
    project: ProjectPage | None = None,
    guid: uuid.UUID | None = None,
) -> Code:
    """Add a code to the global codebook or a project's. Refused unless the user manages
    codes; checked by Code.clean (two levels, parent in the same project or global, a name
    unique in its codebook whatever its case) and audited."""
    _require(can_manage_codes(user))
    code = Code(
        name=name,
        name_en=name_en,
        description=description,
        parent=parent,
        project=project,
        created_by=user,
    )
    if colour:
        code.colour = colour
    if guid is not None:
        code.guid = guid
    code.full_clean()
    code.save()
    log(instance=code, action=LOG_CREATED, user=user, data=_code_data(code))
    return code


@transaction.atomic
def code_update(*, user: User, code: Code, **changes: Any) -> Code:
    """Change a code's name, English name, description, colour, parent or project (the
    keyword arguments given). Refused unless the user manages codes; moving a global code
    into a project takes it out of the locked global codebook, so it needs the right to
    delete or merge it. Checked by Code.clean and audited with the names of the changed
    fields."""
    unknown = set(changes) - set(CODE_FIELDS)
    if unknown:
        raise TypeError(f"code_update() cannot change {', '.join(sorted(unknown))}")
    _require(can_manage_codes(user))
    if code.is_global and changes.get("project") is not None:
        _require(can_delete_or_merge_code(user, code))
    changed = sorted(name for name, value in changes.items() if getattr(code, name) != value)
    for name, value in changes.items():
        setattr(code, name, value)
    code.full_clean()
    code.save()
    log(instance=code, action=LOG_CHANGED, user=user, data={**_code_data(code), "fields": changed})
    return code


@transaction.atomic
def code_archive(*, user: User, code: Code) -> Code:
    """Archive a code, and the codes under it, so it can no longer be applied; what was coded
    with it keeps it. Refused for a global code unless the user is a researcher or an
    administrator (the locked codebook). Archiving an archived code changes nothing."""
    _require(can_delete_or_merge_code(user, code))
    if code.archived_at is not None:
        return code
    now = timezone.now()
    for archived in [code, *code.children.filter(archived_at__isnull=True)]:
        archived.archived_at = now
        archived.save(update_fields=["archived_at"])
        log(instance=archived, action=LOG_ARCHIVED, user=user, data=_code_data(archived))
    return code


@transaction.atomic
def code_restore(*, user: User, code: Code) -> Code:
    """Make an archived code applicable again, with the codes archived along with it.
    Refused while its parent code is archived, and for a global code unless the user is a
    researcher or an administrator."""
    _require(can_delete_or_merge_code(user, code))
    if code.archived_at is None:
        return code
    if code.parent is not None and code.parent.archived_at is not None:
        raise ValidationError(
            {"parent": _("The parent code is archived: restore it first.")}, code="parent_archived"
        )
    for restored in [code, *code.children.filter(archived_at=code.archived_at)]:
        restored.archived_at = None
        restored.save(update_fields=["archived_at"])
        log(instance=restored, action=LOG_RESTORED, user=user, data=_code_data(restored))
    return code


def code_is_used(code: Code) -> bool:
    return code.codings.exists()


@transaction.atomic
def code_delete(*, user: User, code: Code) -> None:
    """Delete a code that was never used and has no codes under it; a used code is archived
    instead, so what was coded keeps its meaning. Refused for a global code unless the user
    is a researcher or an administrator. Audited before the row goes."""
    _require(can_delete_or_merge_code(user, code))
    if code_is_used(code):
        raise ValidationError(
            _("This code was used, so it cannot be deleted. Archive it instead."), code="used"
        )
    if code.children.exists():
        raise ValidationError(
            _("Other codes sit under this code. Delete them or move them first."),
            code="has_children",
        )
    log(instance=code, action=LOG_DELETED, user=user, data=_code_data(code))
    code.delete()


@transaction.atomic
def code_merge(*, user: User, source: Code, target: Code) -> Code:
    """Merge `source` into `target`: its codings move to the target (a coding that would
    repeat one the target already has on the same excerpt is dropped), the codes under it
    move under the target, and the source is archived. Both codes must be ones the user may
    delete or merge (the locked codebook); the target must be a main code when the source has
    codes under it, active, and global or in the source's project. Audited on both codes."""
    _require(can_delete_or_merge_code(user, source) and can_delete_or_merge_code(user, target))
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another code to merge into.")})
    if target.archived_at is not None:
        raise ValidationError({"target": _("This code is archived. Restore it or choose another.")})
    if target.project_id is not None and target.project_id != source.project_id:
        raise ValidationError(
            {"target": _("Merge into a global code or a code of the same project.")}
        )
    if target.parent_id is not None and source.children.exists():
        raise ValidationError(
            {"target": _("Other codes sit under this code, so merge it into a main code.")}
        )
    repeated = Coding.objects.filter(
        code=source, excerpt__in=Coding.objects.filter(code=target).values("excerpt")
    )
    dropped = repeated.delete()[0]
    moved = Coding.objects.filter(code=source).update(code=target)
    children = source.children.update(parent=target)
    if source.archived_at is None:
        source.archived_at = timezone.now()
        source.save(update_fields=["archived_at"])
    data = {
        "source": _code_data(source),
        "target": _code_data(target),
        "codings_moved": moved,
        "codings_dropped": dropped,
        "children_moved": children,
    }
    log(instance=target, action=LOG_MERGED, user=user, data=data)
    log(instance=source, action=LOG_MERGED, user=user, data=data)
    return target
