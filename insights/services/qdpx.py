"""Export of a project's coded data as a REFI-QDA project (.qdpx) and the import of a
REFI-QDA project into another one.

The REFI-QDA project (`.qdpx`, urn:QDA-XML:project:1.0) holds each coded post as a text
source (its plain text, from projects.post_text.post_plain_text), each excerpt as a plain
text selection with its codings and creating user, each parent as a case with their profile
variables, and each memo as a note. GUIDs are stable: a code keeps Code.guid, every other
object gets a UUID5 of its kind and primary key. Excerpts and profile values are the ones
the CSV/XLSX export uses (insights.services.coded_export).
"""

import datetime
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_parse
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from community.models import User
from insights.models import Code, Coding, Excerpt
from insights.models.codebook import CODE_NAME_MAX_LENGTH, colour_validator
from insights.models.coding import MEMO_MAX_LENGTH, excerpt_author_key
from insights.services.analysis import analysis_today, coder_label
from insights.services.coded_export import PROFILE_VARIABLES, coded_excerpts, profile_values
from projects.models import Post, ProjectPage
from projects.post_text import post_plain_text

QDA_NAMESPACE = "urn:QDA-XML:project:1.0"
QDPX_ORIGIN = "Meet the Parents (Kind en Gezin)"
# Fixed, so that exporting the same project twice gives the same GUIDs.
GUID_NAMESPACE = uuid.UUID("6f1c2f4e-8d0b-4a53-9a55-2b9c1f0e7a31")
QDE_MAX_BYTES = 50 * 1024 * 1024
SOURCE_MAX_BYTES = 5 * 1024 * 1024


def qda_guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


# --- REFI-QDA export ---


def _tag(name: str) -> str:
    return f"{{{QDA_NAMESPACE}}}{name}"


def _element(
    parent: ElementTree.Element, tag_name: str, /, **attributes: str
) -> ElementTree.Element:
    return ElementTree.SubElement(parent, _tag(tag_name), attributes)


def _qda_datetime(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _selection_bounds(excerpt: Excerpt, text: str) -> tuple[int, int] | None:
    """Where the quote stands in the post's text today: at its offsets, or found again
    after the author edited the post; None when it is gone (removed or rewritten)."""
    if not excerpt.quote:
        return None
    if text[excerpt.start : excerpt.end] == excerpt.quote:
        return excerpt.start, excerpt.end
    found = text.find(excerpt.quote)
    if found < 0:
        return None
    return found, found + len(excerpt.quote)


def _codebook(parent: ElementTree.Element, codes: list[Code]) -> None:
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    known = {code.pk for code in codes}
    main = [code for code in codes if code.parent_id is None or code.parent_id not in known]
    codes_element = _element(_element(parent, "CodeBook"), "Codes")

    def add(container: ElementTree.Element, code: Code) -> None:
        element = _element(
            container,
            "Code",
            guid=str(code.guid),
            name=code.name,
            isCodable="true",
            color=code.colour.upper(),
        )
        if code.description:
            _element(element, "Description").text = code.description
        for child in children.get(code.pk, []):
            add(element, child)

    for code in main:
        add(codes_element, code)


def coded_qdpx(*, project: ProjectPage) -> bytes:
    """The project's coded posts as a REFI-QDA project file (a ZIP with project.qde and
    Sources/<guid>.txt). Excerpts whose quote is no longer in the post (removed on request,
    or rewritten since) are left out: a selection needs text to point at. Posts removed by
    their author are never a source."""
    today = analysis_today()
    excerpts = coded_excerpts(project=project)
    used = Coding.objects.filter(excerpt__project=project).values("code_id")
    codes = list(
        Code.objects.filter(
            Q(pk__in=used)
            | (Q(project__isnull=True) | Q(project=project)) & Q(archived_at__isnull=True)
        ).order_by("name")
    )
    texts: dict[int, str] = {}
    kept: list[tuple[Excerpt, int, int]] = []
    for excerpt in excerpts:
        # A post its author removed never leaves as text, even before its quotes are blanked.
        if excerpt.post is None or excerpt.post.removed_at is not None:
            continue
        if excerpt.post_id not in texts:
            texts[excerpt.post_id] = post_plain_text(excerpt.post.body)
        bounds = _selection_bounds(excerpt, texts[excerpt.post_id])
        if bounds is not None:
            kept.append((excerpt, *bounds))

    ElementTree.register_namespace("", QDA_NAMESPACE)
    root = ElementTree.Element(
        _tag("Project"),
        {
            "name": project.title,
            "origin": QDPX_ORIGIN,
            "creationDateTime": _qda_datetime(datetime.datetime.now(datetime.UTC)),
        },
    )
    coders: dict[int, User] = {}
    for excerpt, _start, _end in kept:
        for coder in [excerpt.coder, *(coding.coder for coding in excerpt.codings.all())]:
            if coder is not None:
                coders.setdefault(coder.pk, coder)
    users = _element(root, "Users")
    for coder in coders.values():
        _element(users, "User", guid=qda_guid("user", coder.pk), name=coder_label(coder))
    _codebook(root, codes)

    variables = _element(root, "Variables")
    for name in PROFILE_VARIABLES:
        _element(
            variables, "Variable", guid=qda_guid("variable", name), name=name, typeOfVariable="Text"
        )

    cases: dict[str, tuple[dict[str, str], list[int]]] = {}
    for excerpt, _start, _end in kept:
        if not excerpt.author_key:
            continue
        values, posts = cases.setdefault(excerpt.author_key, (profile_values(excerpt, today), []))
        if excerpt.post_id not in posts:
            posts.append(excerpt.post_id)
    cases_element = _element(root, "Cases")
    for key, (values, posts) in cases.items():
        case = _element(cases_element, "Case", guid=qda_guid("case", key), name=key)
        for name in PROFILE_VARIABLES:
            if values[name]:
                variable_value = _element(case, "VariableValue")
                _element(variable_value, "VariableRef", targetGUID=qda_guid("variable", name))
                _element(variable_value, "TextValue").text = values[name]
        for post_id in posts:
            _element(case, "SourceRef", targetGUID=qda_guid("post", post_id))

    sources = _element(root, "Sources")
    files: dict[str, str] = {}
    source_elements: dict[int, ElementTree.Element] = {}
    for excerpt, start, end in kept:
        post = excerpt.post
        if post.pk not in source_elements:
            guid = qda_guid("post", post.pk)
            files[f"Sources/{guid}.txt"] = texts[post.pk]
            source_elements[post.pk] = _element(
                sources,
                "TextSource",
                guid=guid,
                name=f"{excerpt.topic.title} · {post.pk}",
                plainTextPath=f"internal://{guid}.txt",
                creationDateTime=_qda_datetime(post.created_at),
            )
        selection_attributes = {
            "guid": qda_guid("excerpt", excerpt.pk),
            "name": excerpt.quote[:60],
            "startPosition": str(start),
            "endPosition": str(end),
            "creationDateTime": _qda_datetime(excerpt.created_at),
        }
        if excerpt.coder_id is not None:
            selection_attributes["creatingUser"] = qda_guid("user", excerpt.coder_id)
        selection = _element(source_elements[post.pk], "PlainTextSelection", **selection_attributes)
        for coding in excerpt.codings.all():
            coding_attributes = {
                "guid": qda_guid("coding", coding.pk),
                "creationDateTime": _qda_datetime(coding.created_at),
            }
            if coding.coder_id is not None:
                coding_attributes["creatingUser"] = qda_guid("user", coding.coder_id)
            coding_element = _element(selection, "Coding", **coding_attributes)
            _element(coding_element, "CodeRef", targetGUID=str(coding.code.guid))
        if excerpt.memo:
            _element(selection, "NoteRef", targetGUID=qda_guid("memo", excerpt.pk))

    notes = _element(root, "Notes")
    for excerpt, _start, _end in kept:
        if not excerpt.memo:
            continue
        note_attributes = {
            "guid": qda_guid("memo", excerpt.pk),
            "name": _("Memo on excerpt %(number)s") % {"number": excerpt.pk},
            "creationDateTime": _qda_datetime(excerpt.created_at),
        }
        if excerpt.coder_id is not None:
            note_attributes["creatingUser"] = qda_guid("user", excerpt.coder_id)
        note = _element(notes, "Note", **note_attributes)
        _element(note, "PlainTextContent").text = excerpt.memo

    # The schema wants at least one child in each of these lists: leave out the empty ones.
    codebook = root.find(_tag("CodeBook"))
    if not len(codebook.find(_tag("Codes"))):
        root.remove(codebook)
    for container in (users, cases_element, sources, notes):
        if not len(container):
            root.remove(container)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "project.qde",
            ElementTree.tostring(root, encoding="utf-8", xml_declaration=True),
        )
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
    return buffer.getvalue()


# --- REFI-QDA import ---


@dataclass
class QdpxImportResult:
    codes_created: int = 0
    excerpts_created: int = 0
    codings_created: int = 0
    sources_unmatched: list[str] = field(default_factory=list)


def _archive_read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValidationError(_("The file has no %(name)s in it.") % {"name": name}) from None
    if info.file_size > limit:
        raise ValidationError(_("%(name)s in the file is too large.") % {"name": name})
    return archive.read(info)


def _qdpx_parse(file: IO[bytes]) -> tuple[zipfile.ZipFile, ElementTree.Element]:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise ValidationError(_("This is not a REFI-QDA project (.qdpx) file.")) from None
    try:
        root = xml_parse(_archive_read(archive, "project.qde", QDE_MAX_BYTES), forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ValidationError(
            _("project.qde is not valid or safe XML; nothing was imported.")
        ) from None
    if root.tag != _tag("Project"):
        raise ValidationError(_("project.qde is not a REFI-QDA project."))
    return archive, root


def _code_resolve(
    element: ElementTree.Element,
    *,
    user: User,
    project: ProjectPage,
    parent: Code | None,
    result: QdpxImportResult,
) -> Code:
    """The code this codebook entry stands for in the project: the same code (by GUID) when
    the project may use it, else one with the same name, else a new project code."""
    guid_text = element.get("guid", "")
    try:
        guid = uuid.UUID(guid_text.strip("{}"))
    except ValueError:
        raise ValidationError(_("A code has no valid GUID.")) from None
    usable = Code.objects.for_project(project.pk)
    existing = usable.filter(guid=guid).first()
    name = " ".join((element.get("name") or "").split())
    if existing is None and name:
        existing = usable.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    colour = (element.get("color") or "").lower()
    try:
        colour_validator(colour)
    except ValidationError:
        colour = Code._meta.get_field("colour").default
    description = element.find(_tag("Description"))
    main = parent if parent is None or parent.parent_id is None else parent.parent
    code = Code(
        name=name[:CODE_NAME_MAX_LENGTH],
        description=(description.text or "") if description is not None else "",
        colour=colour,
        parent=main,
        project=project,
        # Free in this codebook (else it matched above): the code keeps its GUID, so the
        # research team's tool recognises it when the project goes back.
        guid=guid,
        created_by=user,
    )
    code.full_clean()
    code.save()
    result.codes_created += 1
    return code


def _codes_import(
    container: ElementTree.Element | None,
    *,
    user: User,
    project: ProjectPage,
    parent: Code | None,
    result: QdpxImportResult,
    codes: dict[str, Code],
) -> None:
    if container is None:
        return
    for element in container.findall(_tag("Code")):
        code = _code_resolve(element, user=user, project=project, parent=parent, result=result)
        codes[element.get("guid", "")] = code
        _codes_import(element, user=user, project=project, parent=code, result=result, codes=codes)


def _source_text(archive: zipfile.ZipFile, source: ElementTree.Element) -> str:
    content = source.find(_tag("PlainTextContent"))
    if content is not None:
        return content.text or ""
    path = source.get("plainTextPath", "")
    if not path.startswith("internal://"):
        raise ValidationError(_("A text source points outside the file: %(path)s") % {"path": path})
    raw = _archive_read(archive, "Sources/" + path.removeprefix("internal://"), SOURCE_MAX_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("A text source is not UTF-8 text.")) from None


def _position(selection: ElementTree.Element, name: str) -> int:
    try:
        return int(selection.get(name, ""))
    except ValueError:
        raise ValidationError(_("A selection has no valid start or end.")) from None


@transaction.atomic
def qdpx_import(*, user: User, project: ProjectPage, file: IO[bytes]) -> QdpxImportResult:
    """Bring a REFI-QDA project's codebook and codings into this project.

    Codes are matched by GUID, then by name, else created as codes of this project (two
    levels at most: deeper codes go under their main code). Each text source is matched to
    the post of this project with exactly the same plain text; its selections become
    excerpts coded by `user`, with their codings and memos (notes). A source that matches no
    post is reported, not imported. A malformed or hostile file (XXE, entity expansion,
    offsets outside the text, a memo too long) raises ValidationError and changes nothing.
    """
    archive, root = _qdpx_parse(file)
    result = QdpxImportResult()
    codes: dict[str, Code] = {}
    codebook = root.find(_tag("CodeBook"))
    _codes_import(
        codebook.find(_tag("Codes")) if codebook is not None else None,
        user=user,
        project=project,
        parent=None,
        result=result,
        codes=codes,
    )
    notes = {
        note.get("guid", ""): (note.findtext(_tag("PlainTextContent")) or "")
        for note in root.iterfind(f"{_tag('Notes')}/{_tag('Note')}")
    }
    posts: dict[str, Post] = {}
    for post in (
        Post.objects.filter(project=project, removed_at__isnull=True)
        .select_related("author")
        .order_by("pk")
    ):
        posts.setdefault(post_plain_text(post.body), post)

    for source in root.iterfind(f"{_tag('Sources')}/{_tag('TextSource')}"):
        text = _source_text(archive, source)
        post = posts.get(text)
        if post is None:
            result.sources_unmatched.append(source.get("name", source.get("guid", "")))
            continue
        author = post.author
        author_key = excerpt_author_key(author)
        for selection in source.findall(_tag("PlainTextSelection")):
            start, end = _position(selection, "startPosition"), _position(selection, "endPosition")
            if not 0 <= start < end <= len(text):
                raise ValidationError(
                    _("A selection lies outside its text (%(start)s–%(end)s).")
                    % {"start": start, "end": end}
                )
            memo = "\n\n".join(
                notes[ref.get("targetGUID", "")]
                for ref in selection.findall(_tag("NoteRef"))
                if ref.get("targetGUID", "") in notes
            )
            if len(memo) > MEMO_MAX_LENGTH:
                raise ValidationError(
                    _("A memo is longer than %(limit)s characters.") % {"limit": MEMO_MAX_LENGTH}
                )
            excerpt = Excerpt.objects.filter(
                post=post, start=start, end=end, coder=user, coding_round__isnull=True
            ).first()
            if excerpt is None:
                excerpt = Excerpt(
                    post=post,
                    topic_id=post.topic_id,
                    project=project,
                    author=author,
                    author_key=author_key,
                    quote=text[start:end],
                    start=start,
                    end=end,
                    memo=memo,
                    coder=user,
                )
                excerpt.full_clean()
                excerpt.save()
                result.excerpts_created += 1
            for reference in selection.iterfind(f"{_tag('Coding')}/{_tag('CodeRef')}"):
                code = codes.get(reference.get("targetGUID", ""))
                if code is None:
                    raise ValidationError(_("A coding refers to a code that is not in the file."))
                _coding, created = Coding.objects.get_or_create(
                    excerpt=excerpt, code=code, defaults={"coder": user}
                )
                result.codings_created += created
    log(
        instance=project,
        action="insights.coded_data_imported",
        user=user,
        data={
            "codes_created": result.codes_created,
            "excerpts_created": result.excerpts_created,
            "codings_created": result.codings_created,
            "sources_unmatched": len(result.sources_unmatched),
        },
    )
    return result
