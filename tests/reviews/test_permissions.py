"""Who may do what with reviews in the admin: every review URL, for every kind of visitor.

Each row is one request and the status code each persona gets, in PERSONAS order, and
who changes something; for everyone else nothing changes. Writers reach their own
drafts only; a review of someone else is "not found" to them (a redirect, or 404 on
the history pages); their published review reads but never saves.
"""

import pytest
from django.test import Client
from reversion.models import Revision

from reviews import revisions
from reviews.models import Review, ReviewAction, Section
from tests.factories import give_name, make_review, make_user
from tests.reviews.editing import (
    change_url,
    compare_url,
    history_url,
    open_form,
    preview_url,
    restore_url,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reader", "writer", "editor", "moderator", "superuser"]
PUBLISHERS = {"editor", "superuser"}
EVERY_STAFF_WRITER = {"writer", "editor", "superuser"}
NOBODY: set[str] = set()
LIST = "/admin/reviews/review/"
LOG = "/admin/reviews/reviewaction/"

CODES = {
    "review list": (302, 302, 200, 200, 403, 200, NOBODY),
    "add page": (302, 302, 200, 200, 403, 200, NOBODY),
    "own draft page": (302, 302, 200, 200, 403, 200, NOBODY),
    "own draft save": (302, 302, 302, 302, 403, 302, EVERY_STAFF_WRITER),
    "own draft submit": (302, 302, 302, 302, 403, 302, EVERY_STAFF_WRITER),
    "other's draft page": (302, 302, 302, 200, 403, 200, NOBODY),
    "other's draft save": (302, 302, 302, 302, 403, 302, PUBLISHERS),
    "own live review page": (302, 302, 200, 200, 403, 200, NOBODY),
    "own live review save": (302, 302, 403, 302, 403, 302, PUBLISHERS),
    "own draft history": (302, 302, 200, 200, 403, 200, NOBODY),
    "other's draft history": (302, 302, 404, 200, 403, 200, NOBODY),
    "own draft compare": (302, 302, 200, 200, 403, 200, NOBODY),
    "own draft preview of the form": (302, 302, 200, 200, 403, 200, NOBODY),
    "other's draft preview of the form": (302, 302, 404, 200, 403, 200, NOBODY),
    "other's draft compare": (302, 302, 404, 200, 403, 200, NOBODY),
    "own draft restore, asked": (302, 302, 200, 200, 403, 200, NOBODY),
    "own draft restore": (302, 302, 302, 302, 403, 302, EVERY_STAFF_WRITER),
    "other's draft restore": (302, 302, 404, 302, 403, 302, PUBLISHERS),
    "own live review restore": (302, 302, 403, 302, 403, 302, PUBLISHERS),
    "own draft delete": (302, 302, 403, 302, 403, 302, PUBLISHERS),
    "publish action": (302, 302, 200, 302, 403, 302, PUBLISHERS),  # not offered to writers
    "content log": (302, 302, 403, 200, 403, 200, NOBODY),
    "content log entry delete": (302, 302, 403, 403, 403, 403, NOBODY),
    "content log entry edit": (302, 302, 403, 403, 403, 403, NOBODY),
    "poll list": (302, 302, 200, 200, 403, 200, NOBODY),
    "other's poll page": (302, 302, 302, 200, 403, 200, NOBODY),
}


def _data(review, **changes) -> dict:
    boss = Client()
    boss.force_login(make_user(is_staff=True, is_superuser=True))
    return open_form(boss, review) | changes


REQUESTS = {
    "review list": ("get", lambda t: (LIST, {})),
    "add page": ("get", lambda t: (f"{LIST}add/", {})),
    "own draft page": ("get", lambda t: (change_url(t.draft), {})),
    "own draft save": ("post", lambda t: (change_url(t.draft), _data(t.draft, headline="New"))),
    "own draft submit": (
        "post",
        lambda t: (change_url(t.draft), _data(t.draft, headline="New", _submit="anyway")),
    ),
    "other's draft page": ("get", lambda t: (change_url(t.other), {})),
    "other's draft save": ("post", lambda t: (change_url(t.other), _data(t.other, headline="X"))),
    "own live review page": ("get", lambda t: (change_url(t.live), {})),
    "own live review save": ("post", lambda t: (change_url(t.live), _data(t.live, headline="X"))),
    "own draft history": ("get", lambda t: (history_url(t.draft), {})),
    "other's draft history": ("get", lambda t: (history_url(t.other), {})),
    "own draft preview of the form": (
        "post",
        lambda t: (preview_url(t.draft), _data(t.draft, headline="New")),
    ),
    "other's draft preview of the form": (
        "post",
        lambda t: (preview_url(t.other), _data(t.other, headline="X")),
    ),
    "own draft compare": (
        "get",
        lambda t: (compare_url(t.draft), {"old": t.draft_rev.pk, "new": t.draft_rev.pk}),
    ),
    "other's draft compare": (
        "get",
        lambda t: (compare_url(t.other), {"old": t.other_rev.pk, "new": t.other_rev.pk}),
    ),
    "own draft restore, asked": ("get", lambda t: (restore_url(t.draft, t.draft_rev), {})),
    "own draft restore": ("post", lambda t: (restore_url(t.draft, t.draft_rev), {})),
    "other's draft restore": ("post", lambda t: (restore_url(t.other, t.other_rev), {})),
    "own live review restore": ("post", lambda t: (restore_url(t.live, t.live_rev), {})),
    "own draft delete": ("post", lambda t: (f"{LIST}{t.draft.pk}/delete/", {"post": "yes"})),
    "publish action": (
        "post",
        lambda t: (LIST, {"action": "publish_selected", "_selected_action": [t.draft.pk]}),
    ),
    "content log": ("get", lambda t: (LOG, {})),
    "content log entry delete": ("post", lambda t: (f"{LOG}{t.entry.pk}/delete/", {"post": "yes"})),
    "content log entry edit": ("post", lambda t: (f"{LOG}{t.entry.pk}/change/", {"note": "x"})),
    "poll list": ("get", lambda t: ("/admin/polls/poll/", {})),
    "other's poll page": ("get", lambda t: (f"/admin/polls/poll/{t.other.poll.pk}/change/", {})),
}


class Reviews:
    """The writer's draft and live review, an editor's draft, each with one revision."""

    def __init__(self, writer, editor):
        give_name(writer, "Wren Hale")
        self.draft = make_review(published=False, author=writer, headline="Writer's draft")
        self.live = make_review(published=True, author=writer, headline="Writer's live one")
        self.other = make_review(published=False, author=editor, headline="Editor's draft")
        for name in ("draft", "live", "other"):
            review = getattr(self, name)
            setattr(
                self,
                f"{name}_rev",
                revisions.review_save_revision(review=review, by=editor, comment="x"),
            )
        self.entry = ReviewAction.record(review=self.draft, by=writer, action="edit")
        # The live review moves on, so restoring its first revision would change it.
        Section.objects.filter(review=self.live).update(body="Changed since")


def snapshot() -> tuple:
    return (
        sorted(Review.objects.values_list("pk", "headline", "status", "submitted_at")),
        sorted(Section.objects.values_list("pk", "review", "body")),
        Revision.objects.count(),
        sorted(ReviewAction.objects.values_list("pk", "note")),
    )


@pytest.fixture
def reviews(writer, editor):
    return Reviews(writer, editor)


@pytest.fixture
def anonymous():
    return None


CELLS = [
    pytest.param(case, persona, id=f"{case} as {persona}") for case in CODES for persona in PERSONAS
]


@pytest.mark.parametrize(("case", "persona"), CELLS)
def test_status_code_and_effect(
    client, request, reviews, moderator, superuser, reader, case, persona
):
    method, build = REQUESTS[case]
    *codes, changers = CODES[case]
    address, data = build(reviews)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    response = getattr(client, method)(address, data)
    assert response.status_code == codes[PERSONAS.index(persona)]
    assert (snapshot() != before) == (persona in changers)


def test_every_row_has_its_request():
    assert CODES.keys() == REQUESTS.keys()
