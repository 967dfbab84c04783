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
