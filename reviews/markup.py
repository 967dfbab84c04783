"""Editors' Markdown: a small safe subset, rendered once when a section is saved.

Raw HTML is escaped by the parser (html=False) and the result goes through nh3 as well,
so only emphasis, links, lists, quotes, paragraphs and line breaks reach readers.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
    ["emphasis", "link", "list", "blockquote", "newline", "escape", "entity", "autolink"]
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


# Only markdown-it's typographer: every other character stays exactly as typed.
_typographer = MarkdownIt("zero", {"typographer": True}).enable(["replacements", "smartquotes"])


def typographic(text: str) -> str:
    """'Ballard' -- "at last" -> ‘Ballard’ – “at last”: curly quotes and apostrophes,
    dashes (-- en, --- em) and an ellipsis, for headlines and standfirsts (plain text)."""
    if not text:
        return text
    tokens = _typographer.parseInline(text)[0].children or []
    return "".join(token.content if token.type == "text" else " " for token in tokens)
