"""A dumpdata backup restores into a freshly migrated database without losing anything.

docs/operations.md's portable backup (`dumpdata --natural-foreign --natural-primary`, then
`loaddata` after `migrate`) is run here on a review with everything a review has: its
figures and credits, its poll with votes, comments with ratings and a reply, a reader's
report and a moderator's removal on the record. Add each new model to RESTORED as it
lands, so the backup keeps covering the whole site.
"""

from datetime import datetime

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models.fields.files import FieldFile

from comments import services as comments
from comments.models import Reason
from reviews.models import Genre, Platform
from tests.factories import (
    make_comment,
    make_credit,
    make_figure,
    make_review,
    make_user,
    make_votes,
)

# Committed rows, as in a real backup; flushing inside a test's transaction is refused
# by PostgreSQL (pending foreign-key checks).
pytestmark = pytest.mark.django_db(transaction=True)

#: Model labels whose every row and column must come back unchanged (the auto-created
#: many-to-many tables included).
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
    "polls.Poll",
    "polls.Choice",
    "polls.Vote",
    "comments.Comment",
    "comments.Report",
    "comments.ModerationAction",
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
def full_review(editor, moderator):
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
    make_votes(review.poll, {"Yes": 3, "No": 1, "Maybe": 2})
    rated = make_comment(review, body="Four stars from me.", rating=4, reader="a:one")
    make_comment(review, name="Replier", body="Agreed.", parent=rated, reader="a:two")
    spam = make_comment(review, name="Spammer", body="Buy now.", reader="a:three")
    comments.comment_report(comment=rated, reader="a:four", reason=Reason.OFF_TOPIC)
    comments.comment_remove(comment=spam, by=moderator, reason=Reason.SPAM, note="Link farm")
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
    assert sum(c["vote_count"] for c in after["polls.Choice"]) == len(after["polls.Vote"]) == 6
    removed = [c for c in after["comments.Comment"] if c["status"] == "removed"]
    assert [c["body"] for c in removed] == ["Buy now."]  # removed, and still kept
    restored_figures = after["reviews.Figure"]
    assert sorted(len(f["renditions"]) for f in restored_figures) == [2, 3]
    for figure in restored_figures:  # the media backup and the database agree
        names = [figure["image"], *(r["name"] for r in figure["renditions"])]
        assert all(default_storage.exists(name) for name in names)
