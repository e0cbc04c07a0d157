"""The codebook: the codes moderators and researchers apply to what parents wrote."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CODE_NAME_MAX_LENGTH = 100
CODE_DESCRIPTION_MAX_LENGTH = 2000
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hexadecimal digits, such as #005a6e.")
)


class CodeQuerySet(models.QuerySet):
    def active(self) -> "CodeQuerySet":
        return self.filter(archived_at__isnull=True)

    def for_project(self, project_id: int | None) -> "CodeQuerySet":
        """Codes that may be applied in this project: the global ones and its own."""
        return self.filter(models.Q(project__isnull=True) | models.Q(project_id=project_id))


class Code(models.Model):
    """A code: global, or belonging to one project; at most two levels deep.

    Codes that were used are archived, not deleted, so what was coded keeps its meaning.
    """

    name = models.CharField(_("name"), max_length=CODE_NAME_MAX_LENGTH)
    name_en = models.CharField(_("name in English"), max_length=CODE_NAME_MAX_LENGTH, blank=True)
    description = models.TextField(
        _("use when"), max_length=CODE_DESCRIPTION_MAX_LENGTH, blank=True
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#005a6e", validators=[colour_validator]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    project = models.ForeignKey(
        "projects.ProjectPage",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="codes",
        help_text=_("Leave empty for a code every project can use."),
    )
    # REFI-QDA identifies codes by GUID: kept through export and import. A GUID is unique in
    # a codebook (the global codes and one project's), so the same codebook can be brought
    # into two projects and still go back to the research team's tool under its own GUIDs.
    guid = models.UUIDField(_("GUID"), default=uuid.uuid4, editable=False, db_index=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(project__isnull=True),
                name="code_global_name_unique",
                violation_error_message=_("A global code with this name exists already."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "project",
                condition=models.Q(project__isnull=False),
                name="code_project_name_unique",
                violation_error_message=_("This project has a code with this name already."),
            ),
            models.UniqueConstraint(
                "guid",
                condition=models.Q(project__isnull=True),
                name="code_global_guid_unique",
                violation_error_message=_("A global code with this GUID exists already."),
            ),
            models.UniqueConstraint(
                "guid",
                "project",
                condition=models.Q(project__isnull=False),
                name="code_project_guid_unique",
                violation_error_message=_("This project has a code with this GUID already."),
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def is_global(self) -> bool:
        return self.project_id is None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self) -> None:
        super().clean()
        self.name = " ".join(self.name.split())
        self.name_en = " ".join(self.name_en.split())
        self.colour = self.colour.strip().lower()
        if not self.name:
            raise ValidationError({"name": _("Give the code a name.")})
        if len(self.description) > CODE_DESCRIPTION_MAX_LENGTH:
            # A TextField's max_length holds only in forms: the services check it here.
            raise ValidationError(
                {
                    "description": _("Keep the description to %(max)d characters.")
                    % {"max": CODE_DESCRIPTION_MAX_LENGTH}
                }
            )
        self._clean_guid()
        self._clean_project()
        parent = self.parent
        if parent is None:
            return
        if parent.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": _("A code cannot be its own parent.")})
        if parent.parent_id is not None:
            raise ValidationError({"parent": _("Codes go two levels deep: choose a main code.")})
        if self.pk is not None and self.children.exists():
            raise ValidationError(
                {"parent": _("This code has codes under it, so it must stay a main code.")}
            )
        if parent.project_id is not None and parent.project_id != self.project_id:
            raise ValidationError({"parent": _("The parent code belongs to another project.")})
        if parent.archived_at is not None and self.archived_at is None:
            raise ValidationError({"parent": _("The parent code is archived: restore it first.")})

    def _clean_guid(self) -> None:
        """Every GUID is unique within a codebook: a project's codes and the global ones."""
        clash = Code.objects.filter(guid=self.guid).exclude(pk=self.pk)
        if self.project_id is not None:
            clash = clash.filter(project__isnull=True)
        if clash.exists():
            raise ValidationError(_("Another code in this codebook has the same GUID."))

    def _clean_project(self) -> None:
        """A code moves to a project only when everything coded with it, and every code
        under it, is in that project."""
        if self.pk is None or self.project_id is None:
            return
        if self.children.exclude(project_id=self.project_id).exists():
            raise ValidationError(
                {"project": _("Codes under this code belong elsewhere: it stays where it is.")}
            )
        if self.codings.exclude(excerpt__project_id=self.project_id).exists():
            raise ValidationError(
                {"project": _("This code was used in other projects: it stays where it is.")}
            )
