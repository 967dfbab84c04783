"""docs/configuration.md lists every variable the site reads, and nothing else."""

import re
from pathlib import Path

from reviewsite import env

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
SITE_PACKAGES = ("reviewsite", "reviews", "polls", "comments", "readers", "infra", "demo")
READ = re.compile(r"\benv\.(?!fail\b)\w+\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']")
NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def read_by_the_site() -> set[str]:
    """Every name read through reviewsite.env, whether or not this run's settings read it
    (the pool's variables only on PostgreSQL, S3's only with a bucket)."""
    names = set(env.KNOWN)
    for package in SITE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            names |= set(READ.findall(path.read_text()))
    return names


def documented() -> tuple[set[str], set[str]]:
    """(the site's variables, the ones only make serve and the tests read): names in the
    first column of the doc's tables, split at its "Read by" section."""
    site, tools, current = set(), set(), None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            current = tools if line.startswith("## Read by") else site
        elif line.startswith("| `") and current is not None:
            current |= set(NAME.findall(line.split("|")[1]))
    return site, tools


def test_every_variable_the_site_reads_is_documented():
    site, tools = documented()
    assert read_by_the_site() - site - tools == set()


def test_every_documented_variable_is_read():
    site, tools = documented()
    assert site - read_by_the_site() == set()
    sources = "".join(
        p.read_text() for p in [ROOT / "Makefile", *(ROOT / "scripts").glob("*.py")]
    ) + "".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    assert {name for name in tools if name not in sources} == set()


def test_the_env_module_sends_people_to_the_configuration_page():
    assert "docs/configuration.md" in (ROOT / "reviewsite" / "env.py").read_text()
