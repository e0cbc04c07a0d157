"""What parents type, turned into the HTML that is stored and shown.

Parents write in a plain textarea with a few marks the toolbar inserts (and that work typed by
hand, without JavaScript): **bold**, *italic*, lines starting with "- " or "1. " for lists,
[text](https://…) for links; bare web and e-mail addresses become links. Everything typed is
escaped first; `html_sanitize` then cleans the result once, on write. Templates show the
stored HTML as it is and never mark user text safe any other way.
"""

import html
import re
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
LINK_REL = "nofollow noopener ugc"
TEXT_MIN_LENGTH = 2
TEXT_MAX_LENGTH = 5000

_ALLOWED_HREF = re.compile(r"^(https?://[^/?#\s]|mailto:[^\s@]+@)", re.IGNORECASE)
# Browsers drop these from URLs before reading the scheme ("jav\tascript:"), so a link that
# holds any of them is refused outright rather than cleaned.
_URL_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u2000-\u200f\u2028-\u202f\u205f\ufeff]")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "rel":
        return value == LINK_REL
    if name == "href":
        decoded = html.unescape(value)
        return not _URL_INVISIBLE.search(decoded) and bool(_ALLOWED_HREF.match(decoded))
    return False


class _LinkFilter(Filter):
    """Every kept link gets rel="nofollow noopener ugc"; a link whose address was refused
    is unwrapped to its text."""

    def __iter__(self):
        unwrapping = False
        for token in super().__iter__():
            if token.get("name") == "a" and token["type"] == "StartTag":
                attributes = token.get("data") or {}
                if (None, "href") not in attributes:
                    unwrapping = True
                    continue
                attributes[(None, "rel")] = LINK_REL
                token["data"] = attributes
            elif token.get("name") == "a" and token["type"] == "EndTag" and unwrapping:
                unwrapping = False
                continue
            yield token


_linker = Linker(parse_email=True, skip_tags={"a"}, callbacks=[])
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_attribute_allowed,
    protocols={"http", "https", "mailto"},
    strip=True,
    strip_comments=True,
    filters=[_LinkFilter],
)


def html_sanitize(value: str) -> str:
    """The one sanitizer for HTML from members: an allowlist of p, br, strong, em, ul, ol, li
    and a[href] (http, https and mailto only, with rel="nofollow noopener ugc").

    Anything else is removed; script and style elements go with their content.
    """
    value = _SCRIPT_OR_STYLE.sub("", value)
    value = _cleaner.clean(value)
    value = _linker.linkify(value)
    # Linkify only adds links made of http(s) or e-mail addresses; clean once more so the
    # stored result never depends on that.
    return _cleaner.clean(value).strip()


def _inline(line: str) -> str:
    def link(match: re.Match) -> str:
        label, url = match.group(1), match.group(2)
        return f'<a href="{url}">{label}</a>'

    line = _LINK.sub(link, line)
    line = _BOLD.sub(r"<strong>\1</strong>", line)
    return _ITALIC.sub(r"<em>\1</em>", line)


def _blocks(text: str) -> list[str]:
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{_inline(item)}</li>" for item in items)
            blocks.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in text.split("\n"):
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet or numbered:
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append((bullet or numbered).group(1))
        elif not line.strip():
            close_paragraph()
            close_list()
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return blocks


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def post_text_render(text: str) -> str:
    """Typed text with its marks as sanitized HTML, ready to store."""
    text = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    return html_sanitize("".join(_blocks(text)))


def post_text_length(text: str) -> int:
    """The length that counts for the limits: the visible characters, without the marks."""
    return post_body_length(post_text_render(text))


def post_body_length(body: str) -> int:
    """`post_text_length` of text already rendered (saves rendering it twice on a write)."""
    reader = _VisibleText()
    reader.feed(body)
    return len("".join(reader.parts).strip())


_BLOCK_ENDS = re.compile(r"<br\s*/?>|</p>|</li>", re.IGNORECASE)


def post_plain_text(body: str) -> str:
    """A post's stored HTML as plain text, one line per paragraph or list item: for
    excerpts, exports and data downloads (words of two paragraphs never run together)."""
    reader = _VisibleText()
    reader.feed(_BLOCK_ENDS.sub("\n", body))
    text = "".join(reader.parts)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
