"""Readers' text: how it is cleaned on the way in and rendered on the way out.

Comments are plain text. On the way in, text is normalised (NFC) and stripped of
invisible characters that can disguise words or reverse how a line reads; control
characters are refused. On the way out everything is escaped, blank lines become
paragraphs, single newlines line breaks, and http(s) addresses links that pass no
search-engine credit.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Zero-width space, directional marks and overrides, and the byte-order mark.
INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: The zero-width joiner and non-joiner shape emoji (a family, a rainbow flag) and scripts
#: such as Persian and the Indic ones: kept between two visible characters one of which is
#: such (from Hebrew, U+0590, on; not Latin Extended Additional), removed elsewhere.
JOINERS = re.compile("[\u200c\u200d]+")
#: C0 and C1 control characters other than tab, newline and carriage return.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
#: What counts as a link for the spam rule: addresses, and bare www. names.
LINKISH = re.compile(r"https?://|(?<![/\w.])www\.", re.IGNORECASE)
TRAILING = ".,;:!?'\"*"
LINK_TEXT_MAX = 60


def clean(value: str) -> str:
    """Readers' text made safe to store: no control characters (refused), no invisible
    characters (removed), NFC-normalised, surrounding whitespace trimmed."""
    if CONTROL.search(value):
        raise ValidationError(
            "Remove the control characters (such as NUL) from this text; they cannot be posted.",
            code="control_characters",
        )
    value = INVISIBLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", _joiners_between_letters(value)).strip()


def _joiners_between_letters(value: str) -> str:
    def joins(char: str) -> bool:
        return ord(char) >= 0x0590 and not 0x1E00 <= ord(char) <= 0x1EFF

    def keep(found: re.Match) -> str:
        before = value[found.start() - 1 : found.start()]
        after = value[found.end() : found.end() + 1]
        shaped = before.strip() and after.strip() and (joins(before) or joins(after))
        return found.group()[0] if shaped else ""

    return JOINERS.sub(keep, value)


def find_word(text: str, terms) -> str | None:
    """The first of these words or phrases (casefolded) that the text holds as whole
    words, in any case; NFKC folds lookalikes such as full-width letters first."""
    folded = JOINERS.sub("", unicodedata.normalize("NFKC", text)).casefold()
    for term in terms:
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", folded):
            return term
    return None


def excerpt(text: str, length: int) -> str:
    """The text on one line, cut to at most `length` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def count_links(text: str) -> int:
    return len(LINKISH.findall(text))


def _trim(url: str) -> str:
    """Drop punctuation that ends a sentence rather than the address; keep balanced ')'."""
    while url:
        if url[-1] in TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _link(url: str) -> str:
    shown = url.split("://", 1)[1]
    if len(shown) > LINK_TEXT_MAX:
        shown = shown[: LINK_TEXT_MAX - 1] + "…"
    return format_html('<a href="{}" rel="nofollow ugc noopener">{}</a>', url, shown)


def _linkify(line: str) -> str:
    out, position = [], 0
    for match in URL.finditer(line):
        url = _trim(match.group(0))
        try:
            host = urlsplit(url).hostname
        except ValueError:  # e.g. a malformed IPv6 literal
            host = None
        if not host:
            continue
        out.append(escape(line[position : match.start()]))
        out.append(_link(url))
        position = match.start() + len(url)
    out.append(escape(line[position:]))
    return "".join(out)


def render(text: str) -> SafeString:
    """Comment text as HTML: escaped, paragraphs and line breaks kept, addresses linked."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.strip())]
    return mark_safe(  # noqa: S308 - every piece of reader text went through escape()
        "".join(
            "<p>" + "<br>".join(_linkify(line) for line in p.split("\n")) + "</p>"
            for p in paragraphs
            if p.strip()
        )
    )
