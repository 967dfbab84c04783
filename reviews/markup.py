"""Editors' Markdown: a small safe subset, rendered once when a section is saved.

Raw HTML is escaped by the parser (html=False) and the result goes through nh3 as well,
so only emphasis, links, lists, quotes, paragraphs, line breaks and `code` reach readers.
Body text gets the same typographer as headlines (curly quotes, dashes, ellipses);
markdown-it leaves code spans, link addresses and <autolinks> as typed.
"""

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": True}).enable(
    [
        *("emphasis", "link", "list", "blockquote", "newline", "escape", "entity", "autolink"),
        *("backticks", "replacements", "smartquotes"),
    ]
)


def render(text: str) -> str:
    """Markdown subset → sanitised HTML."""
    return nh3.clean(
        _parser.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")


def blocks(html: str) -> list[str]:
    """Rendered text → its top-level blocks (paragraphs, lists, quotes), in order: the
    places a photo can sit between. `html` is render()'s output, so every tag is closed."""
    found, depth, start = [], 0, 0
    for tag in _TAG.finditer(html):
        if tag.group(2) == "br":
            continue
        if not tag.group(1):
            if depth == 0:
                start = tag.start()
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            found.append(html[start : tag.end()])
    return found


# Only markdown-it's typographer: every other character stays exactly as typed.
_typographer = MarkdownIt("zero", {"typographer": True}).enable(["replacements", "smartquotes"])


def typographic(text: str) -> str:
    """'Ballard' -- "at last" -> ‘Ballard’ – “at last”: curly quotes and apostrophes,
    dashes (-- en, --- em) and an ellipsis, for headlines and standfirsts (plain text)."""
    if not text:
        return text
    tokens = _typographer.parseInline(text)[0].children or []
    return "".join(token.content if token.type == "text" else " " for token in tokens)
