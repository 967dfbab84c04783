"""The page weight budget of issue 6: the one stylesheet stays under 30 KB and no script
grows past 10 KB, so a phone on a slow link still gets the page and its styles at once.

The stylesheet's budget was 20 KB until issue 16 (a publication's chrome) added the
@font-face rules of the self-hosted fonts with their metric-matched fallbacks (about 1 KB),
the masthead's sections, the score badge, season links, related reviews and the series hub
(about 4.5 KB); issue 14's reading time and critic bios about 0.2 KB more; the edited front
page, scores on cards, the folded credits, the footer's pages and the dark colour scheme
(its variables, and every fixed colour turned into one) about 2.8 KB more. Print styles are a
sheet of their own (css/print.css, media="print"), which screens never wait for; the front
page and a show's pages (episodes, the arc) load a small sheet of their own beside it. Gzipped, as
it is served, the whole sheet is about 7 KB.
"""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
CSS_BUDGET = 30_000
PAGE_SHEET_BUDGET = 4_000
SCRIPT_BUDGET = 10_000
SCRIPTS = sorted(STATIC.rglob("*.js"))


def test_stylesheet_is_within_its_budget():
    size = (STATIC / "css" / "site.css").stat().st_size
    assert size <= CSS_BUDGET, f"static/css/site.css is {size:,} bytes, over {CSS_BUDGET:,}"


@pytest.mark.parametrize("sheet", ["print.css", "front.css", "episodes.css"])
def test_each_page_kinds_own_stylesheet_is_within_its_budget(sheet):
    """Sheets one kind of page adds to site.css (print, the front page, a show's pages)."""
    size = (STATIC / "css" / sheet).stat().st_size
    assert size <= PAGE_SHEET_BUDGET, f"static/css/{sheet} is {size:,} bytes, over 4,000"


def test_site_has_scripts_to_check():
    assert SCRIPTS, "no script found under static/: the budget below would check nothing"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: str(path.relative_to(STATIC)))
def test_each_script_is_within_its_budget(script):
    size, name = script.stat().st_size, script.relative_to(STATIC)
    assert size <= SCRIPT_BUDGET, f"{name} is {size:,} bytes, over {SCRIPT_BUDGET:,}"
