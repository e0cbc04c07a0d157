import html
from html.parser import HTMLParser

import pytest

from projects.post_text import (
    ALLOWED_TAGS,
    LINK_REL,
    html_sanitize,
    post_plain_text,
    post_text_length,
    post_text_render,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="javascript:1">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#0000058;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\nascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="//evil.example/">x</a>',
    '<svg onload=alert(1)><circle r="1"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    '<a href="https://ok.example" onclick="alert(1)" target="_blank">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div onmouseover="alert(1)">x</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))


def assert_harmless(markup: str) -> None:
    collector = _Collector()
    collector.feed(markup)
    for tag, attributes in collector.tags:
        assert tag in ALLOWED_TAGS, markup
        for name, value in attributes:
            assert tag == "a" and name in {"href", "rel"}, markup
            if name == "href":
                assert value.lower().startswith(("http://", "https://", "mailto:")), markup
            else:
                assert value == LINK_REL, markup
    assert "<script" not in html.unescape(markup).lower() or "&lt;script" in markup.lower()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sanitizer_leaves_no_executable_markup(hostile):
    assert_harmless(html_sanitize(hostile))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_typed_text_never_becomes_markup(hostile):
    rendered = post_text_render(hostile)

    assert_harmless(rendered)
    assert "<script" not in rendered.lower()


def test_script_and_style_are_removed_with_their_content():
    assert html_sanitize("<script>alert(1)</script>ok<style>p{}</style>") == "ok"


def test_allowed_markup_is_kept_and_links_get_rel():
    cleaned = html_sanitize(
        "<p><strong>b</strong> <em>i</em><br></p><ul><li>x</li></ul><ol><li>y</li></ol>"
        '<a href="https://kindengezin.be">k</a>'
    )

    assert cleaned == (
        "<p><strong>b</strong> <em>i</em><br></p><ul><li>x</li></ul><ol><li>y</li></ol>"
        f'<a href="https://kindengezin.be" rel="{LINK_REL}">k</a>'
    )


def test_refused_link_keeps_its_text():
    assert html_sanitize('<a href="javascript:alert(1)">read this</a>') == "read this"


def test_marks_become_formatting():
    rendered = post_text_render(
        "Hallo **vet** en *schuin*\nnieuwe regel\n\n- een\n- twee\n\n1. eerst\n2. dan"
    )

    assert rendered == (
        "<p>Hallo <strong>vet</strong> en <em>schuin</em><br>nieuwe regel</p>"
        "<ul><li>een</li><li>twee</li></ul><ol><li>eerst</li><li>dan</li></ol>"
    )


def test_links_by_mark_and_bare_addresses():
    rendered = post_text_render(
        "[website](https://www.kindengezin.be) of www.groeipakket.be, mail info@example.org"
    )

    assert f'<a href="https://www.kindengezin.be" rel="{LINK_REL}">website</a>' in rendered
    assert f'<a href="http://www.groeipakket.be" rel="{LINK_REL}">www.groeipakket.be</a>' in (
        rendered
    )
    assert f'<a href="mailto:info@example.org" rel="{LINK_REL}">info@example.org</a>' in rendered


def test_link_mark_with_script_address_is_plain_text():
    rendered = post_text_render("[klik](javascript:alert(1))")

    assert "href" not in rendered
    assert "klik" in rendered


def test_length_counts_visible_characters_only():
    assert post_text_length("**ok**") == 2
    assert post_text_length("  <b>  ") == 3
    assert post_text_length("- a\n- b") == 2


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            "<p>De eerste nachten waren <strong>zwaar</strong>.</p><ul><li>weinig slaap</li>"
            "<li>veel vragen</li></ul>",
            "De eerste nachten waren zwaar.\nweinig slaap\nveel vragen",
        ),
        ("<p>Een<br>twee</p><p>drie &amp; vier</p>", "Een\ntwee\ndrie & vier"),
        (
            '<p>Zie <a href="https://example.org" rel="nofollow noopener ugc">hier</a></p>',
            "Zie hier",
        ),
        ("", ""),
    ],
)
def test_plain_text_keeps_paragraphs_and_list_items_apart(body, text):
    assert post_plain_text(body) == text
