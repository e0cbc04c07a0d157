"""Codebook import and export as CSV or REFI-QDA `.qdc`, for NVivo, ATLAS.ti and MAXQDA.

Permissions are checked here against insights.rules and every added or changed code goes to
Wagtail's audit log, as in insights.services.codebook. An import is all or nothing: with any
error, nothing changes. Imported XML is read with defusedxml and without any DTD, so entity
expansion (billion laughs) and external entities (XXE) never happen.
"""

import csv
import io
import uuid
import xml.etree.ElementTree as ET  # only to write XML; reading goes through defusedxml
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from community.models import User
from insights.models import Code
from insights.rules import can_manage_codes
from insights.services.codebook import (
    LOG_CHANGED,
    LOG_CREATED,
    _code_data,
    _require,
    codebook_codes,
)
from projects.models import ProjectPage
from projects.services.export import FORMULA_PREFIXES, cell_safe, export_csv_lines

IMPORT_MAX_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = ["guid", "name", "name_en", "description", "colour", "parent", "project"]
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
QDC_MAX_DEPTH = 2


def codebook_filename(*, project: ProjectPage | None, extension: str) -> str:
    """A download name made of ASCII letters, digits and dashes only."""
    name = slugify(project.slug if project is not None else "global") or "project"
    return f"codebook-{name}.{extension}"


def _codes_nested(project: ProjectPage | None) -> list[tuple[Code, list[Code]]]:
    """The active codes of a codebook as main codes, each with the codes under it."""
    codes = list(codebook_codes(project=project).active().order_by("name", "pk"))
    children: dict[int, list[Code]] = {}
    for code in codes:
        if code.parent_id is not None:
            children.setdefault(code.parent_id, []).append(code)
    return [(code, children.get(code.pk, [])) for code in codes if code.parent_id is None]


def codebook_export_csv(*, project: ProjectPage | None) -> str:
    """The active codes of a codebook as CSV (UTF-8 with a byte order mark), main codes each
    followed by the codes under it; cells a spreadsheet would run as a formula are quoted."""

    def rows() -> Iterable[list[object]]:
        yield CSV_COLUMNS
        for main, children in _codes_nested(project):
            for code in [main, *children]:
                yield [
                    cell_safe(value)
                    for value in (
                        str(code.guid),
                        code.name,
                        code.name_en,
                        code.description,
                        code.colour,
                        str(code.parent.guid) if code.parent is not None else "",
                        code.project.slug if code.project is not None else "",
                    )
                ]

    return "".join(export_csv_lines(rows()))


def _qdc(tag: str) -> str:
    return f"{{{QDC_NAMESPACE}}}{tag}"


def codebook_export_qdc(*, project: ProjectPage | None) -> bytes:
    """The active codes of a codebook as a REFI-QDA codebook (urn:QDA-XML:codebook:1.0):
    codes under a main code are nested in it."""

    def code_element(parent: ET.Element, code: Code) -> ET.Element:
        element = ET.SubElement(
            parent,
            _qdc("Code"),
            {
                "guid": str(code.guid),
                "name": code.name,
                "isCodable": "true",
                "color": code.colour.upper(),
            },
        )
        if code.description:
            ET.SubElement(element, _qdc("Description")).text = code.description
        return element

    ET.register_namespace("", QDC_NAMESPACE)
    root = ET.Element(_qdc("CodeBook"), {"origin": "Meet the Parents"})
    codes_element = ET.SubElement(root, _qdc("Codes"))
    for main, children in _codes_nested(project):
        main_element = code_element(codes_element, main)
        for child in children:
            code_element(main_element, child)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass
class CodeRow:
    """One code read from an imported file, before it is matched with the codebook."""

    where: str  # how an error message points at it: a line, or the code's name
    name: str
    guid: uuid.UUID | None = None
    name_en: str | None = None  # None: the file says nothing, keep what the code has
    description: str = ""
    colour: str = ""
    parent_ref: str = ""  # CSV: the parent's GUID or name
    parent_row: "CodeRow | None" = None  # the row it is under (QDC: nested in)
    parent_code: Code | None = None  # CSV: a code of the codebook, not in the file, it is under
    code: Code | None = field(default=None, repr=False)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def _import_size_check(data: bytes) -> None:
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than 2 MB. A codebook is much smaller: check the file.")}
        )


def _uncell(value: str) -> str:
    """Undo cell_safe: a quote that only stops a spreadsheet running the text as a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _csv_rows(data: bytes) -> list[CodeRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")}
        ) from None
    # Spreadsheets in Dutch write semicolons; only the delimiter is taken from the header.
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader, [])]
    if "name" not in header:
        raise ValidationError(
            {
                "file": _(
                    "The first line must name the columns, at least “name”. We read: %(columns)s."
                )
                % {"columns": ", ".join(CSV_COLUMNS)}
            }
        )
    rows, errors = [], []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        values = {
            column: _uncell(cell.strip()) for column, cell in zip(header, record, strict=False)
        }
        where = _("Line %(line)d") % {"line": reader.line_num}
        guid = None
        if values.get("guid"):
            try:
                guid = uuid.UUID(values["guid"])
            except ValueError:
                errors.append(
                    _("%(where)s: “%(guid)s” is not a GUID.")
                    % {"where": where, "guid": values["guid"]}
                )
                continue
        rows.append(
            CodeRow(
                where=where,
                name=values.get("name", ""),
                guid=guid,
                name_en=values.get("name_en") if "name_en" in header else None,
                description=values.get("description", ""),
                colour=values.get("colour", ""),
                parent_ref=values.get("parent", ""),
            )
        )
    if errors:
        raise ValidationError(errors)
    return rows


def _qdc_rows(data: bytes) -> list[CodeRow]:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ValidationError(
            {
                "file": _(
                    "The file declares a DTD or entities. For safety we do not read such files: "
                    "export the codebook again as a plain REFI-QDA codebook."
                )
            },
            code="hostile",
        ) from None
    except ET.ParseError as error:
        raise ValidationError(
            {
                "file": _("The file is not well-formed XML (%(error)s).")
                % {"error": str(error)[:200]}
            },
            code="malformed",
        ) from None
    if root.tag != _qdc("CodeBook"):
        raise ValidationError(
            {
                "file": _(
                    "This is not a REFI-QDA codebook: it needs a CodeBook element in the "
                    "namespace %(namespace)s."
                )
                % {"namespace": QDC_NAMESPACE}
            },
            code="namespace",
        )
    rows: list[CodeRow] = []
    errors: list[str] = []

    def read(element: Any, parent_row: CodeRow | None, depth: int) -> None:
        name = " ".join((element.get("name") or "").split())
        where = _("Code “%(name)s”") % {"name": name[:100]}
        if depth > QDC_MAX_DEPTH:
            errors.append(
                _("%(where)s lies more than two levels deep. Our codebook has two levels.")
                % {"where": where}
            )
            return
        guid = None
        try:
            guid = uuid.UUID(element.get("guid") or "")
        except ValueError:
            errors.append(_("%(where)s has no valid GUID.") % {"where": where})
        description = element.find(_qdc("Description"))
        row = CodeRow(
            where=where,
            name=name,
            guid=guid,
            description=(description.text or "").strip() if description is not None else "",
            colour=element.get("color") or "",
            parent_row=parent_row,
        )
        rows.append(row)
        for child in element.findall(_qdc("Code")):
            read(child, row, depth + 1)

    codes_element = root.find(_qdc("Codes"))
    for element in codes_element.findall(_qdc("Code")) if codes_element is not None else []:
        read(element, None, 1)
    if errors:
        raise ValidationError(errors)
    return rows


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _rows_check(rows: list[CodeRow]) -> list[str]:
    """Errors within the file itself: repeated names or GUIDs."""
    errors = []
    names: dict[str, CodeRow] = {}
    guids: dict[uuid.UUID, CodeRow] = {}
    for row in rows:
        if not row.name:
            errors.append(_("%(where)s: the code has no name.") % {"where": row.where})
            continue
        first = names.setdefault(row.name.casefold(), row)
        if first is not row:
            errors.append(
                _("%(where)s: the name “%(name)s” is in the file twice (%(first)s).")
                % {"where": row.where, "name": row.name, "first": first.where}
            )
        if row.guid is not None and guids.setdefault(row.guid, row) is not row:
            errors.append(
                _("%(where)s: the GUID %(guid)s is in the file twice.")
                % {"where": row.where, "guid": row.guid}
            )
    return errors


def _parents_resolve(rows: list[CodeRow], existing: list[Code]) -> list[str]:
    """Link each CSV row to the row or code it names as parent (by GUID, then by name) and
    refuse a third level."""
    errors = []
    rows_by_key: dict[str, CodeRow] = {}
    for row in rows:
        rows_by_key.setdefault(row.name.casefold(), row)
        if row.guid is not None:
            rows_by_key[str(row.guid)] = row
    codes_by_key: dict[str, Code] = {}
    for code in existing:
        codes_by_key.setdefault(code.name.casefold(), code)
        codes_by_key[str(code.guid)] = code
    for row in rows:
        if not row.parent_ref:
            continue
        key = row.parent_ref.casefold()
        parent = rows_by_key.get(key) or codes_by_key.get(key)
        if parent is None:
            errors.append(
                _("%(where)s: there is no code “%(parent)s” to put this code under.")
                % {"where": row.where, "parent": row.parent_ref}
            )
        elif isinstance(parent, CodeRow):
            row.parent_row = parent
        else:
            row.parent_code = parent
    for row in rows:
        parent = row.parent_row
        if parent is not None:
            grandparent = parent.parent_row or parent.parent_ref
        else:
            grandparent = row.parent_code.parent_id if row.parent_code is not None else None
        if grandparent:
            errors.append(
                _("%(where)s: “%(name)s” would be a third level. Our codebook has two levels.")
                % {"where": row.where, "name": row.name}
            )
    return errors


def _row_save(
    row: CodeRow, *, user: User, project: ProjectPage | None, matches: dict[str, Code]
) -> tuple[Code, bool]:
    code = (matches.get(str(row.guid)) if row.guid is not None else None) or (
        matches.get(row.name.casefold()) if row.guid is None else None
    )
    created = code is None
    if code is None:
        code = Code(project=project, created_by=user, guid=row.guid or uuid.uuid4())
    code.name = row.name
    if row.name_en is not None:
        code.name_en = row.name_en
    code.description = row.description
    if row.colour:
        code.colour = row.colour
    code.parent = row.parent_row.code if row.parent_row is not None else row.parent_code
    code.full_clean()
    code.save()
    log(
        instance=code,
        action=LOG_CREATED if created else LOG_CHANGED,
        user=user,
        data={**_code_data(code), "imported": True},
    )
    return code, created


def _codebook_import(
    *, user: User, project: ProjectPage | None, rows: list[CodeRow], check_parents: bool
) -> ImportResult:
    _require(can_manage_codes(user))
    existing = list(codebook_codes(project=project))
    errors = _rows_check(rows)
    if check_parents:
        errors += _parents_resolve(rows, existing)
    if errors:
        raise ValidationError(errors)
    # Matched by GUID; a row without one updates the code of the same name.
    matches: dict[str, Code] = {}
    for code in existing:
        matches[str(code.guid)] = code
        if code.project_id == (project.pk if project else None):
            matches.setdefault(code.name.casefold(), code)
    result = ImportResult()
    # Main codes first, so that the codes under them can point at them.
    ordered = sorted(rows, key=lambda row: row.parent_row is not None)
    with transaction.atomic():
        for row in ordered:
            if row.parent_row is not None and row.parent_row.code is None:
                continue  # its parent failed and is reported already
            try:
                row.code, created = _row_save(row, user=user, project=project, matches=matches)
            except ValidationError as error:
                errors += [f"{row.where}: {message}" for message in _messages(error)]
                continue
            result.created += created
            result.updated += not created
        if errors:
            raise ValidationError(errors)
    return result


def codebook_import_csv(*, user: User, project: ProjectPage | None, data: bytes) -> ImportResult:
    """Bring codes from a CSV file (columns guid, name, name_en, description, colour, parent
    as a GUID or name; `project` is not read) into the global codebook or a project's. A code
    of the codebook with the row's GUID is updated (without a GUID: the code with its name),
    otherwise one is added. All or nothing: any error, reported per line, and nothing
    changes. Refused unless the user manages codes; every added or changed code is audited."""
    _import_size_check(data)
    return _codebook_import(user=user, project=project, rows=_csv_rows(data), check_parents=True)


def codebook_import_qdc(*, user: User, project: ProjectPage | None, data: bytes) -> ImportResult:
    """Bring the codes of a REFI-QDA codebook (.qdc) into the global codebook or a project's,
    with their GUIDs, nesting, colours and descriptions. A malformed, hostile (DTD, entities)
    or foreign file, a file over 2 MB, repeated names or a third level are refused with a
    clear error and nothing changes. A code of the codebook with the same GUID is updated,
    otherwise one is added. isCodable is not read: every code of ours can be applied, and
    a tool's non-codable folder becomes a main code."""
    _import_size_check(data)
    rows = _qdc_rows(data)
    return _codebook_import(user=user, project=project, rows=rows, check_parents=False)
