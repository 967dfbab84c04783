"""Imports follow the table in docs/architecture.md ("Who may import whom").

The doc is the source: this test reads its table, turns each row into an import-linter
"forbidden" contract (the project's other packages, less what the row allows, plus what it
names after "but not"), and runs `lint-imports`, which names each import that breaks one.
Imports anywhere in a module count, those inside functions too; migrations are not checked.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
#: The production packages; one not (or not yet) in the tree is skipped.
PACKAGES = [
    "reviewsite",
    "reviews",
    "polls",
    "comments",
    "follows",
    "frontpage",
    "demo",
    "readers",
    "infra",
]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


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


def below(module: str) -> list[str]:
    """import-linter's expressions for a module and every module inside it."""
    return [module, f"{module}.**"]


def contracts(rules: dict, roots: list[str]) -> str:
    """import-linter's configuration (INI) for the table: one forbidden contract a row.

    A module's own row replaces its package's, so the package's contract ignores that
    module's imports; a row allowing one module of a package (`reviewsite.roles`) forbids
    the package and ignores the imports of that module."""
    lines = ["[importlinter]", "root_packages =", *(f"    {r}" for r in roots)]
    for importer, (allowed, denied) in rules.items():
        own = importer.split(".")[0]
        forbidden = [r for r in roots if r != own and r not in allowed] + denied
        ignored = [
            f"{source} -> {target}"
            for module in allowed
            if "." in module
            for source in below(importer)
            for target in below(module)
        ]
        ignored += [
            f"{source} -> {target}"
            for other in rules
            if other.startswith(importer + ".")
            for source in below(other)
            for root in roots
            for target in below(root)
        ]
        lines += [
            f"[importlinter:contract:{importer}]",
            f"name = {importer} imports only what docs/architecture.md allows",
            "type = forbidden",
            f"source_modules = {importer}",
            "forbidden_modules =",
            *(f"    {module}" for module in forbidden),
            "ignore_imports =",
            *(f"    {each}" for each in ignored),
            "allow_indirect_imports = True",
            "unmatched_ignore_imports_alerting = none",
        ]
    return "\n".join(lines) + "\n"


def lint_imports(tree: Path, config: Path) -> subprocess.CompletedProcess:
    roots = [p for p in [*PACKAGES, "tests"] if (tree / p / "__init__.py").exists()]
    config.write_text(contracts(RULES, roots))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_row_of_the_table_names_a_production_package():
    assert RULES, "docs/architecture.md has lost its 'Who may import whom' table"
    for importer, (allowed, denied) in RULES.items():
        for name in [importer, *allowed, *denied]:
            assert name.split(".")[0] in PACKAGES, f"the table names {name}: not a package"


def test_production_imports_follow_docs_architecture_md(tmp_path):
    linted = lint_imports(ROOT, tmp_path / "contracts.ini")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert f"Contracts: {len(RULES)} kept, 0 broken." in linted.stdout


def test_a_forbidden_import_is_reported_with_file_and_line(tmp_path):
    """A copy of the code with three imports the table forbids: each is named."""
    tree = tmp_path / "tree"
    for package in [*PACKAGES, "tests"]:
        if (ROOT / package).is_dir():
            shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("*.pyc"))
    with open(tree / "reviews" / "views.py", "a") as views:
        views.write("\n\ndef f():\n    import polls.services\n")
    with open(tree / "readers" / "identity.py", "a") as identity:
        identity.write("\nfrom reviewsite.env import flag\n")
    with open(tree / "polls" / "admin.py", "a") as admin:
        admin.write("\nfrom reviews.admin import ReviewAdmin\n")
    linted = lint_imports(tree, tmp_path / "contracts.ini")
    assert linted.returncode == 1, linted.stdout + linted.stderr
    for line in [
        "reviews.views -> polls.services (l.",
        "readers.identity -> reviewsite.env (l.",
        "polls.admin -> reviews.admin (l.",
    ]:
        assert line in linted.stdout, linted.stdout
    assert "Contracts: " in linted.stdout and f"{len(RULES) - 3} kept, 3 broken." in linted.stdout
