"""Imports follow the table in docs/architecture.md ("Who may import whom").

The doc is the source: this test parses its table, walks every module of the production
packages (migrations aside), resolves absolute and relative imports, those inside
functions too, and names the file, line and import of each one the table does not allow.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
#: The production packages; one not (or not yet) in the tree is skipped.
PACKAGES = ["reviewsite", "reviews", "polls", "comments", "demo", "readers", "infra"]
#: Imported by production code, these are reported wherever the table does not allow them.
PROJECT = [*PACKAGES, "tests", "scripts"]


def read_table(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """importer → (what it may import, what it may not import of that), from the table
    under "## Who may import whom"."""
    section = text.split("## Who may import whom", 1)[1].split("\n## ", 1)[0]
    rules = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        allowed, _, denied = cells[1].partition(" but not ")
        rules[cells[0].strip("`")] = (names(allowed), names(denied))
    return rules


def names(cell: str) -> list[str]:
    return re.findall(r"`([\w.]+)`", cell)


RULES = read_table(DOC.read_text())


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(tree: ast.AST, module: str, is_package: bool):
    """(line, dotted name) for every import, relative ones made absolute. `from a import b`
    yields a.b: b may be a module, and a rule naming a.b (or a) then covers it."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"


def covers(prefix: str, name: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def forbidden_imports(source: str, path: str) -> list[tuple[str, str]]:
    """(name, "file:line imports name …") for each import of a project package that the
    table forbids in that file."""
    file = ROOT / path
    module = module_name(file)
    own = module.split(".")[0]
    importer = max((row for row in RULES if covers(row, module)), key=len, default=None)
    assert importer is not None, f"{path}: no row of docs/architecture.md covers {module}"
    allowed, denied = RULES[importer]
    found = []
    tree = ast.parse(source, filename=path)
    for line, name in imported_names(tree, module, file.name == "__init__.py"):
        if name.split(".")[0] not in PROJECT or covers(own, name):
            continue
        if any(covers(a, name) for a in allowed) and not any(covers(d, name) for d in denied):
            continue
        only = ", ".join(allowed) or "its own package"
        only += f", but not {', '.join(denied)}" if denied else ""
        found.append((name, f"{path}:{line} imports {name} ({importer} may import only {only})"))
    return found


def production_modules():
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in file.relative_to(ROOT).parts:
                yield file


def test_every_row_of_the_table_names_a_production_package():
    assert RULES, "docs/architecture.md has lost its 'Who may import whom' table"
    for importer, (allowed, denied) in RULES.items():
        for name in [importer, *allowed, *denied]:
            assert name.split(".")[0] in PACKAGES, f"the table names {name}: not a package"


def test_production_imports_follow_docs_architecture_md():
    found = []
    for file in production_modules():
        path = str(file.relative_to(ROOT))
        found += [message for _name, message in forbidden_imports(file.read_text(), path)]
    assert not found, "imports that docs/architecture.md does not allow:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("path", "source", "forbidden"),
    [
        ("reviews/models.py", "from comments.models import Comment", "comments.models.Comment"),
        ("reviews/views.py", "def f():\n    import polls.services", "polls.services"),
        ("reviews/admin.py", "from polls import models", "polls.models"),
        ("polls/admin.py", "from reviews.admin import ReviewAdmin", "reviews.admin.ReviewAdmin"),
        ("comments/views/public.py", "from polls.models import Poll", "polls.models.Poll"),
        ("reviewsite/views.py", "from reviews import models", "reviews.models"),
        ("readers/identity.py", "from reviewsite.env import flag", "reviewsite.env.flag"),
        ("infra/httpcache.py", "from comments import signals", "comments.signals"),
        ("demo/loader.py", "from reviewsite import settings", "reviewsite.settings"),
        (
            "reviews/views.py",
            "from tests.factories import make_review",
            "tests.factories.make_review",
        ),
    ],
)
def test_a_forbidden_import_is_reported_with_file_and_line(path, source, forbidden):
    found = [message for _, message in forbidden_imports("import django\n" + source, path)]
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{source.count(chr(10)) + 2} imports {forbidden} ")


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("reviews/admin.py", "from polls.admin import PollInline"),
        ("polls/templatetags/polls_tags.py", "from ..models import Poll"),
        ("comments/views/__init__.py", "from . import public"),
        ("comments/views/public.py", "from .. import forms\nfrom reviews.models import Review"),
        ("reviewsite/urls.py", "from comments import urls"),
        ("demo/loader.py", "from reviewsite.roles import EDITORS"),
    ],
)
def test_an_allowed_import_passes(path, source):
    assert forbidden_imports(source, path) == []
