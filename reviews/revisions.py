"""Revisions of reviews: a snapshot per admin save, a comparison of two, and restore.

Stored by django-reversion (Revision and Version rows, with who saved and when). The
comparison and the restore are ours: reversion's own revert saves every stored field
back, which would publish or unpublish a review, reset poll counters and fail on
answers readers voted for. Here a restore brings back the content only; status,
publication time, address, comments and votes stay as they are.

Each app registers its own models. Another app's rows travel with a review's revision
through follow() (polls adds the poll), with a function that restores them.
"""

import dataclasses
import difflib
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.formats import date_format
from reversion.models import Revision, Version

from infra import freshness
from infra.dates import when
from reviews.models import Credit, Figure, Review, ReviewAction, Section, display_name

#: Never restored: publication is the workflow's business, the address stays stable,
#: and the comment counter belongs to readers.
KEPT_ON_RESTORE = {"id", "status", "published_at", "slug"}
#: Review fields kept out of revisions: derived, readers' doing, or the workflow's.
REVIEW_EXCLUDE = [
    "comments_version",
    "search_document",
    "created_at",
    "updated_at",
    "submitted_at",
    "editor_note",
    "sent_back_by",
    "sent_back_at",
]
#: The review's own child rows, restored by _restore_children.
CHILDREN: list[type[models.Model]] = [Section, Figure, Credit]

_follow: list[str] = ["sections", "figures", "credits"]
_restorers: list[Callable[[Review, "Snapshot"], list[str]]] = []


def register() -> None:
    """Register the reviews app's models with django-reversion (ReviewsConfig.ready)."""
    reversion.register(Section, exclude=["body_html"])
    reversion.register(Figure)
    reversion.register(Credit)
    reversion.register(Review, exclude=REVIEW_EXCLUDE, follow=_follow)


def follow(name: str, *, restore: Callable[[Review, "Snapshot"], list[str]]) -> None:
    """Take `review.<name>` (another app's rows) into every revision of a review.

    restore(review, snapshot) puts them back and returns notes for the editor.
    Re-registers Review, since reversion fixes `follow` at registration.
    """
    if name not in _follow:
        _follow.append(name)
        _restorers.append(restore)
        reversion.unregister(Review)
        reversion.register(Review, exclude=REVIEW_EXCLUDE, follow=_follow)


def revisions_of(review: Review):
    """The review's revisions, newest first, with who saved each (and their name)."""
    return (
        Revision.objects.filter(
            version__content_type=ContentType.objects.get_for_model(Review),
            version__object_id=str(review.pk),
        )
        .select_related("user__profile")
        .order_by("-date_created", "-pk")
    )


def latest_revision(review: Review) -> Revision | None:
    return revisions_of(review).first() if review.pk else None


def review_save_revision(*, review: Review, by, comment: str) -> Revision:
    """Store the review as it now is, with its sections, figures, credits and poll."""
    # Fresh from the database: the admin's inlines saved other copies of the child rows.
    fresh = Review.objects.get(pk=review.pk)
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(by)
        reversion.set_comment(comment)
        reversion.add_to_revision(fresh)
    return latest_revision(review)


# --- Reading a revision back -------------------------------------------------------------


@dataclasses.dataclass
class Snapshot:
    """One revision's rows as field dicts, by model."""

    revision: Revision
    rows: dict[type[models.Model], list[dict]]

    @classmethod
    def of(cls, revision: Revision) -> "Snapshot":
        rows: dict[type[models.Model], list[dict]] = {}
        for version in revision.version_set.select_related("content_type"):
            model = version.content_type.model_class()
            if model is not None:
                rows.setdefault(model, []).append(version.field_dict)
        for model, found in rows.items():
            found.sort(key=lambda row, m=model: _order_key(m, row))
        return cls(revision=revision, rows=rows)

    @property
    def review(self) -> dict:
        return self.rows[Review][0]

    def of_model(self, model: type[models.Model]) -> list[dict]:
        return self.rows.get(model, [])


def _order_key(model, row: dict) -> tuple:
    key = []
    for name in model._meta.ordering or ["pk"]:
        name = name.lstrip("-")
        value = row.get("id" if name == "pk" else model._meta.get_field(name).attname)
        key.append((value is None, "" if value is None else value))
    return tuple(key)


def revision_of(review: Review, revision_id) -> Revision | None:
    """The revision with this id if it is one of the review's, else None (bad ids too)."""
    try:
        revision_id = int(revision_id)
    except (TypeError, ValueError):
        return None
    if not 0 < revision_id < 2**63:
        return None
    return revisions_of(review).filter(pk=revision_id).first()


# --- Comparing two revisions -------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s\w]|\w+")


@dataclasses.dataclass
class Row:
    """One field of the comparison: its label, and each side as (text, changed) pieces."""

    label: str
    old: list[tuple[str, bool]]
    new: list[tuple[str, bool]]

    @property
    def changed(self) -> bool:
        return any(changed for _, changed in self.old + self.new)


def word_diff(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts cut into runs of words, each run marked as changed or not."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            left.append(("".join(a[i1:i2]), not same))
        if j2 > j1:
            right.append(("".join(b[j1:j2]), not same))
    return left, right


def _display(model, name: str, value) -> str:
    field = model._meta.get_field(name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ManyToManyField):
        names = field.related_model.objects.filter(pk__in=value).values_list("name", flat=True)
        return ", ".join(sorted(names))
    if isinstance(field, models.ForeignKey):
        found = field.related_model._base_manager.filter(pk=value).first()
        if found is None:
            return f"(deleted, #{value})"
        if field.related_model is get_user_model():
            return display_name(found)
        return str(found)
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return date_format(value, "j M Y")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


#: Fields left out of the comparison: links between rows, what nobody typed (the word
#: count follows the sections), and the order (rows are numbered in it).
_HIDDEN = {
    *("id", "review", "poll", "renditions", "width", "height", "body_html", "order"),
    "word_count",
}


def _labelled_rows(snapshot: Snapshot) -> dict[str, str]:
    """Every compared field of a revision as label → text, children numbered in order."""
    out: dict[str, str] = {}
    order = [Review, *CHILDREN]
    # Another app's rows after the review's own, a single row (the poll) before a list
    # of them (its answers).
    models_in_order = sorted(
        snapshot.rows,
        key=lambda m: (order.index(m) if m in order else len(order), len(snapshot.rows[m]) > 1),
    )
    for model in models_in_order:
        rows = snapshot.rows[model]
        fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
        many = (model is not Review and len(rows) > 1) or model in CHILDREN
        for number, row in enumerate(rows, start=1):
            prefix = ""
            if model is not Review:
                prefix = str(model._meta.verbose_name).capitalize()
                prefix += f" {number} · " if many else " · "
            for field in fields:
                # A revision holds the fields its model was registered with.
                if field.name in _HIDDEN or field.attname not in row:
                    continue
                label = prefix + str(field.verbose_name).capitalize()
                out[label] = _display(model, field.name, row[field.attname])
    return out


def compare(old: Revision, new: Revision) -> list[Row]:
    """Field-by-field comparison of two revisions, changed words marked on each side.

    Children are matched by their place (Section 2 with Section 2), which is how an
    editor reads the page; a section added in between shows as changes below it.
    """
    left, right = _labelled_rows(Snapshot.of(old)), _labelled_rows(Snapshot.of(new))
    labels = list(right) + [label for label in left if label not in right]
    rows = []
    for label in labels:
        a, b = left.get(label, ""), right.get(label, "")
        rows.append(Row(label, *word_diff(a, b)))
    return rows


# --- Restoring a revision ----------------------------------------------------------------


def review_restore(*, review: Review, revision: Revision, by) -> tuple[Revision, list[str]]:
    """Bring the review's content back to `revision`; the result is a new revision.

    Status, publication time and address are kept (a restore never publishes or
    unpublishes); readers' comments and votes are untouched. Returns the new revision
    and notes for the editor about anything that could not come back as it was.
    """
    with transaction.atomic():
        review, notes = replay(review, revision)
        comment = f"Restored the revision of {when(revision.date_created)} (#{revision.pk})."
        saved = review_save_revision(review=review, by=by, comment=comment)
        ReviewAction.record(review=review, by=by, action=ReviewAction.Action.RESTORE, note=comment)
    return saved, notes


def replay(review: Review, revision: Revision) -> tuple[Review, list[str]]:
    """Put the review's content back as `revision` holds it (status, publication time and
    address kept), storing no revision: the caller says why, and records it. Call inside
    a transaction. Returns the review as now saved and notes for the editor."""
    snapshot = Snapshot.of(revision)
    notes: list[str] = []
    review = Review.objects.select_for_update().get(pk=review.pk)
    _restore_fields(review, Review, snapshot.review, keep=KEPT_ON_RESTORE, notes=notes)
    review.save()
    genres = snapshot.review.get("genres")
    if genres is not None:
        review.genres.set(review.genres.model.objects.filter(pk__in=genres))
    for model in CHILDREN:
        _restore_children(review, model, snapshot.of_model(model), notes=notes)
    for restore in _restorers:
        notes += restore(review, snapshot)
    review.refresh_search_document()
    freshness.review_changed(review)
    return review, notes


def _restore_fields(obj, model, row: dict, *, keep=frozenset(), notes: list[str]) -> None:
    for field in model._meta.concrete_fields:
        if field.name in keep or field.attname not in row:
            continue
        value = row[field.attname]
        related = field.related_model if isinstance(field, models.ForeignKey) else None
        if related and value is not None and not related._base_manager.filter(pk=value).exists():
            notes.append(
                f"The {field.verbose_name} of that revision no longer exists; "
                "the current one is kept."
            )
            continue
        setattr(obj, field.attname, value)


def _restore_children(review: Review, model, rows: list[dict], *, notes: list[str]) -> None:
    """Make the review's rows of `model` exactly `rows`: kept rows updated, the rest
    deleted, missing ones created anew."""
    current = {obj.pk: obj for obj in model.objects.filter(review=review)}
    wanted = {row["id"] for row in rows}
    for pk, obj in current.items():
        if pk not in wanted:
            obj.delete()
    # The current lead photo may be about to move: non-leads first keeps one lead at most.
    for row in sorted(rows, key=lambda row: row.get("position", 1) == 0):
        obj = current.get(row["id"]) or model(review=review)
        _restore_fields(obj, model, row, keep={"id", "review"}, notes=notes)
        obj.review = review
        obj.save()


# --- Carrying a save into a scheduled change ----------------------------------------------


def carry_into(
    *,
    scheduled: Revision,
    base: Revision | None,
    before: Revision,
    after: Revision,
    by,
    comment: str,
) -> tuple[Revision, list[str]]:
    """The scheduled revision with the edits of a save (`before` → `after`) put into it.

    A scheduled change holds the whole review as it will read, so when it goes live it
    would undo a save made in between. Here the save's edits go into it, row by row and
    field by field, wherever the change itself (`base` → `scheduled`) left that field or
    row alone; where both edited the same thing, the change's version stays, and the
    returned labels name those things. The new revision is dated just before `after`, so
    the latest revision stays the live one. Without a base, whatever the change differs
    from `before` in counts as its own edit.
    """
    base = base or before
    old, new, was, planned = (_versions(r) for r in (before, after, base, scheduled))
    merged = {key: (version, _fields(version)) for key, version in planned.items()}
    kept: list[str] = []
    added = [key for key in new if key not in old]
    for key in added:  # rows this save added: after the change's own, in the save's order
        merged[key] = (new[key], _fields(new[key]))
    _number_after(merged, added)
    for key in old:
        mine_was = _fields(old[key])
        theirs = merged[key][1] if key in merged else None
        theirs_was = _fields(was[key]) if key in was else mine_was
        if key not in new:  # a row this save deleted
            if theirs == theirs_was:
                del merged[key]
            elif theirs is not None:
                kept.append(_row_label(old[key]))
            continue
        mine = _fields(new[key])
        edited = [n for n in mine if mine_was.get(n) != mine[n] and n not in _DERIVED]
        if edited and theirs is None:  # the change deletes the row
            kept.append(_row_label(old[key]))
            continue
        for names in _units(edited):
            if all(theirs.get(n) == theirs_was.get(n) for n in names):
                theirs.update({n: mine[n] for n in names})
            elif isinstance(mine[names[0]], list):  # genres: a set, each side's additions
                gone = set(mine_was.get(names[0]) or []) - set(mine[names[0]])
                more = set(mine[names[0]]) - set(mine_was.get(names[0]) or [])
                theirs[names[0]] = sorted((set(theirs.get(names[0]) or []) | more) - gone)
            elif any(theirs.get(n) != mine[n] for n in names):
                kept.append(_row_label(old[key], names[0]))
    kept += _one_lead(merged, planned)
    with transaction.atomic():
        revision = Revision.objects.create(
            date_created=after.date_created - timedelta(microseconds=1), user=by, comment=comment
        )
        Version.objects.bulk_create(
            Version(
                revision=revision,
                object_id=version.object_id,
                content_type_id=version.content_type_id,
                db=version.db,
                format=version.format,
                serialized_data=_with_fields(version, fields),
                object_repr=version.object_repr,
            )
            for version, fields in merged.values()
        )
    return revision, [label for label in dict.fromkeys(kept) if label]


#: Worked out from the rest when a revision goes live (refresh_search_document).
_DERIVED = {"word_count"}
#: Fields of a row that change together: a photo's file with its size and renditions.
_TOGETHER = [("image", "renditions", "width", "height")]


def _units(edited: list[str]) -> list[tuple[str, ...]]:
    """The edited fields in the groups they are merged in (each alone, or _TOGETHER)."""
    units, seen = [], set()
    for name in edited:
        if name in seen:
            continue
        group = next((g for g in _TOGETHER if name in g), (name,))
        seen.update(group)
        units.append(group)
    return units


def _number_after(merged: dict, added: list) -> None:
    """Rows the save added go after the scheduled change's rows of their kind: two new
    sections numbered alike would otherwise swap places when the change goes live."""
    for key in added:
        fields = merged[key][1]
        if "order" not in fields:
            continue
        kin = [f["order"] for k, (_, f) in merged.items() if k[0] == key[0] and k not in added]
        if kin and fields["order"] <= max(kin):
            fields["order"] = max(kin) + 1 + added.index(key)


def _one_lead(merged: dict, planned: dict) -> list[str]:
    """A review has one lead photo (placement 0). If the save and the change each chose
    one, the change's stays the lead and the save's goes after the first section."""
    figure = ContentType.objects.get_for_model(Figure).pk
    leads = [k for k, (_, f) in merged.items() if k[0] == figure and f.get("position") == 0]
    theirs = [k for k in leads if k in planned and _fields(planned[k]).get("position") == 0]
    moved = []
    for key in [k for k in leads if k not in theirs] if theirs else []:
        merged[key][1]["position"] = 1
        moved.append(f"{_row_label(merged[key][0])} · Placement (the change has its own lead)")
    return moved


def _versions(revision: Revision) -> dict[tuple[int, str], Version]:
    return {
        (version.content_type_id, version.object_id): version
        for version in revision.version_set.select_related("content_type")
    }


def _fields(version: Version) -> dict:
    """A version's fields as stored (JSON values), so they compare exactly."""
    return dict(json.loads(version.serialized_data)[0]["fields"])


def _with_fields(version: Version, fields: dict) -> str:
    data = json.loads(version.serialized_data)
    data[0]["fields"] = fields
    return json.dumps(data)


def _row_label(version: Version, name: str = "") -> str:
    """ "Verdict", "Section “Cast” · Body", "Section “Cast”": what an editor calls it."""
    model = version.content_type.model_class()
    if model is None or name in KEPT_ON_RESTORE:
        return ""
    field = ""
    if name:
        field = str(model._meta.get_field(name).verbose_name).capitalize()
    if model is Review:
        return field
    row = f"{str(model._meta.verbose_name).capitalize()} “{version.object_repr}”"
    return f"{row} · {field}" if field else row


def files_in_revisions() -> set[str]:
    """Every photo file (original and renditions) some revision's figure uses."""
    names = set()
    versions = Version.objects.get_for_model(Figure).values_list("serialized_data", flat=True)
    for data in versions.iterator():
        names |= _figure_files(data)
    return names - {""}


def file_in_revisions(name: str) -> bool:
    """Whether a revision still uses this file (so it must not be deleted)."""
    versions = Version.objects.get_for_model(Figure).filter(serialized_data__contains=name)
    return any(
        name in _figure_files(data) for data in versions.values_list("serialized_data", flat=True)
    )


def _figure_files(serialized: str) -> set[str]:
    try:
        fields = json.loads(serialized)[0]["fields"]
    except (ValueError, KeyError, IndexError, TypeError):
        return set()
    renditions = fields.get("renditions") or []
    return {
        fields.get("image") or "",
        *(r.get("name", "") for r in renditions if isinstance(r, dict)),
    }
