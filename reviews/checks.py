"""Content checks: what an editor should look at before a review goes out (a panel on the
review form, as Wagtail's checks panel). They are advice, never a refusal.

Other apps add checks of their own parts of a review with `check(function)` from their
AppConfig.ready (polls: a poll without a question), so this module names none of them.
"""

import dataclasses
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from reviews.images import RENDITION_WIDTHS
from reviews.models import Review

#: Google shows about 600 px of a title in its results, which is 50–60 characters of
#: ordinary text; past 60 the end of the headline is likely to be cut off.
HEADLINE_LIMIT = 60

_LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclasses.dataclass(frozen=True)
class Finding:
    message: str
    anchor: str  # the id of the field to fix, on the review form


_extra: list[Callable[[Review], list[Finding]]] = []


def check(function: Callable[[Review], list[Finding]]) -> Callable:
    """Register another app's check of a review (called with the saved review)."""
    if function not in _extra:
        _extra.append(function)
    return function


#: The widest rendition made of a photo: narrower originals show soft on sharp screens,
#: or smaller than the column.
SHARP_WIDTH = RENDITION_WIDTHS[-1]


def review_checks(review: Review, *, sections=None, figures=None) -> list[Finding]:
    """Everything worth a second look in the review, in the form's order.

    As saved, unless `sections` and `figures` are given: the rows of the form about to be
    saved, as (form prefix, unsaved row) pairs, so that submitting and publishing can ask
    about what the editor typed (ReviewAdminForm), with links to those rows' fields.
    """
    if sections is None:
        sections = [(f"sections-{n}", section) for n, section in enumerate(review.sections.all())]
    if figures is None:
        figures = [(f"figures-{n}", figure) for n, figure in enumerate(review.figures.all())]
    found = []
    if len(review.headline) > HEADLINE_LIMIT:
        found.append(
            Finding(
                f"The headline is {len(review.headline)} characters: search results show "
                f"about {HEADLINE_LIMIT}, so its end may be cut off.",
                "id_headline",
            )
        )
    if not review.standfirst.strip():
        found.append(Finding("The standfirst is empty.", "id_standfirst"))
    if not review.verdict.strip() and review.score is None:
        found.append(Finding("There is no verdict and no score.", "id_verdict"))
    for number, (prefix, section) in enumerate(sections, start=1):
        if not section.body.strip():
            found.append(Finding(f"Section {number} has no text.", prefix))
    if not any(figure.position == 0 for _, figure in figures):
        found.append(Finding("There is no lead photo (placement 0).", "figures-group"))
    for number, (prefix, figure) in enumerate(figures, start=1):
        if not figure.alt_text.strip():
            found.append(Finding(f"Photo {number} has no alt text.", f"id_{prefix}-alt_text"))
        if 0 < figure.width < SHARP_WIDTH:
            found.append(
                Finding(
                    f"Photo {number} is only {figure.width} pixels wide: readers see it "
                    f"smaller than the column or soft; {SHARP_WIDTH:,} or wider looks sharp.",
                    f"id_{prefix}-image",
                )
            )
        if figure.position > len(sections):
            found.append(
                Finding(
                    f"Photo {number} is placed after section {figure.position}, but there "
                    f"{'is' if len(sections) == 1 else 'are'} {len(sections)}: readers see "
                    "it after the last one.",
                    f"id_{prefix}-position",
                )
            )
    for number, (prefix, section) in enumerate(sections, start=1):
        for link in _LINK.findall(section.body):
            if not _answers(link):
                found.append(
                    Finding(
                        f"Section {number} links to {link}, which answers “not found”.",
                        f"id_{prefix}-body",
                    )
                )
    for extra in _extra:
        found.extend(extra(review))
    return found


def _answers(link: str) -> bool:
    """Whether a link to our own site finds a page (other sites' links are not followed)."""
    parts = urlsplit(link)
    if parts.netloc and parts.netloc.split(":")[0] not in settings.ALLOWED_HOSTS:
        return True
    if not parts.path.startswith("/"):
        return True
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    if match.view_name == "reviews:detail":
        return Review.objects.published().filter(slug=match.kwargs["slug"]).exists()
    return True
