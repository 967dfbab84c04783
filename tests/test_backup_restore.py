"""A dumpdata backup restores into a freshly migrated database without losing anything.

The README's portable backup (`dumpdata --natural-foreign --natural-primary`, then
`loaddata` after `migrate`) is run here on a review with everything a review has. Add each new app's
models to RESTORED as it lands (polls, votes, comments), so the backup keeps covering
the whole site.
"""

from datetime import datetime

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models.fields.files import FieldFile

from reviews.models import Genre, Platform
from tests.factories import make_credit, make_figure, make_review, make_user

# Committed rows, as in a real backup; flushing inside a test's transaction is refused
# by PostgreSQL (pending foreign-key checks).
pytestmark = pytest.mark.django_db(transaction=True)

#: Model labels whose every row and column must come back unchanged (the auto-created
#: many-to-many tables included). Extend with "polls.Poll", "polls.Choice",
#: "polls.Vote", "comments.Comment", ... as those apps land.
RESTORED = [
    "auth.User",
    "auth.User_groups",
    "reviews.Platform",
    "reviews.Genre",
    "reviews.Review",
    "reviews.Review_genres",
    "reviews.Section",
    "reviews.Figure",
    "reviews.Credit",
]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every RESTORED model, as identity survives a restore.

    Rows with a natural key (users, groups) and many-to-many links are matched by what
    they are, not by their id, which a restore into a migrated database may change;
    every other row keeps its id.
    """
    result = {}
    for label in RESTORED:
        model = apps.get_model(label)
        natural = hasattr(model, "natural_key") or model._meta.auto_created
        rows = []
        for obj in model._default_manager.all():
            row = {}
            for field in model._meta.concrete_fields:
                if field.primary_key and natural:
                    continue
                value = getattr(obj, field.attname)
                if field.is_relation and value is not None:
                    target = getattr(obj, field.name)
                    value = target.natural_key() if hasattr(target, "natural_key") else value
                row[field.name] = _comparable(value)
            rows.append(row)
        result[label] = sorted(rows, key=repr)
    return result


def _comparable(value):
    # Django's JSON serializer writes times to the millisecond (XML, which keeps
    # microseconds, strips whitespace from text instead): that much is by design.
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if isinstance(value, FieldFile):
        return value.name
    return value


@pytest.fixture
def full_review(editor):
    review = make_review(
        sections=3,
        author=editor,
        platform=Platform.objects.create(name="Prime Video"),
        score=8,
        based_on="Based on the novels by Michael Connelly",
    )
    review.genres.set([Genre.objects.create(name="Crime"), Genre.objects.create(name="Drama")])
    make_figure(review, position=0, caption="Maggie Q (Renée Ballard) in BALLARD.")
    make_figure(review, position=2, size=(640, 360), credit="Jessica Brooks/Prime Video")
    make_credit(review, person="Maggie Q", role="Renée Ballard")
    make_credit(review, person="Michael Connelly", role="Novels", kind="crew")
    make_user("reader-with-no-role")
    return review


def test_dumpdata_loaddata_round_trip_loses_nothing(full_review, tmp_path):
    before = snapshot()
    assert all(before.values()), {label: len(rows) for label, rows in before.items()}

    backup = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        f"--output={backup}",
    )
    call_command("flush", "--no-input")  # a freshly migrated, empty database
    assert not any(snapshot()["reviews.Review"])
    call_command("loaddata", str(backup), verbosity=0)

    after = snapshot()
    for label in RESTORED:
        assert after[label] == before[label], label
    restored_figures = after["reviews.Figure"]
    assert sorted(len(f["renditions"]) for f in restored_figures) == [2, 3]
    for figure in restored_figures:  # the media backup and the database agree
        names = [figure["image"], *(r["name"] for r in figure["renditions"])]
        assert all(default_storage.exists(name) for name in names)
