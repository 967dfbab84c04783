"""Freshness: what a write changes on public pages, said once, by name.

A service or an admin save path that changes what readers see calls one event below
(`review_changed(review)`, `comments_changed(review)`, ...). `EVENTS` is the whole answer
to "why didn't my edit show?": each event names the surrogate keys it purges from the HTTP
caches and the cached fragments it renews. The apps that own those fragments say how to
renew them with `renewer(event)` from their AppConfig.ready (this module imports no app).

An event's keys are sent once its transaction commits (never if it rolls back; a
savepoint rolled back drops its own). Inside `batch()` (every request is in one) all keys
committed are sent together as one PURGE per cache at its end; elsewhere at each commit.

The table is mirrored in docs/caching.md; tests/site/test_freshness.py fails if they differ.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from infra import httpcache


@dataclass(frozen=True)
class Event:
    keys: tuple[str, ...]  # surrogate-key templates, filled with the event's ids
    renews: str  # the cached fragments it renews, for people


EVENTS: dict[str, Event] = {
    "review_changed": Event(
        ("review-{id}", "listing"),
        "the review's page fragments (its updated_at) and every list's (the catalogue)",
    ),
    "comments_changed": Event(
        ("review-{id}",),
        "the review's comment pages and rating summary (its comments_version), the catalogue",
    ),
    "poll_results_changed": Event(("poll-{id}",), "nothing: results are never fragment-cached"),
    "listing_changed": Event(("listing",), "the catalogue"),
    "critic_changed": Event(
        ("author-{id}", "listing"),
        "the critic's reviews' page fragments (their updated_at) and the catalogue",
    ),
    "episode_changed": Event(
        ("series-{id}",), "nothing: a season's episode list and arc are never fragment-cached"
    ),
    "front_page_changed": Event(("front",), "nothing: the front page is not fragment-cached"),
}

_renewers: dict[str, list[Callable[[list], None]]] = {name: [] for name in EVENTS}


def renewer(event: str):
    """Decorator: renew an app's fragments when `event` happens; called with the event's
    ids, inside the writer's transaction."""

    def register(function):
        _renewers[event].append(function)
        return function

    return register


def send(event: str, ids: Iterable = ()) -> None:
    """Tell the caches that `event` happened to these ids (model instances or pks)."""
    ids = [getattr(i, "pk", i) for i in ids]
    spec = EVENTS[event]
    templates = spec.keys
    keys = [t.format(id=i) for t in templates if "{id}" in t for i in ids]
    keys += [t for t in templates if "{id}" not in t]
    for renew in _renewers[event]:
        renew(ids)
    _collect(keys)


def review_changed(*reviews) -> None:
    send("review_changed", reviews)


def comments_changed(*reviews) -> None:
    send("comments_changed", reviews)


def poll_results_changed(*polls) -> None:
    send("poll_results_changed", polls)


def listing_changed() -> None:
    send("listing_changed")


def critic_changed(*users) -> None:
    send("critic_changed", users)


def episode_changed(*series) -> None:
    """A show's episodes were added, edited or removed (its hub, seasons and recaps list
    them)."""
    send("episode_changed", series)


def front_page_changed() -> None:
    send("front_page_changed")


@contextmanager
def batch():
    """Gather every purge that commits inside this block and send them as one PURGE per
    cache at its end. FreshnessMiddleware wraps each request in it (so an admin save of a
    review with all its sections sends one PURGE, before the redirect is answered);
    commands and tasks that write many rows may use it too."""
    if _batch.get() is not None:  # nested: the outer block sends
        yield
        return
    keys: set[str] = set()
    token = _batch.set(keys)
    try:
        yield
    finally:
        _batch.reset(token)
        if keys:
            httpcache.send_purge(sorted(keys))


_batch: ContextVar[set[str] | None] = ContextVar("freshness_batch", default=None)


def _collect(keys: list[str]) -> None:
    # on_commit runs at once outside a transaction, never if it rolls back, and Django
    # drops the callback with a savepoint that is rolled back.
    if keys and settings.HTTP_CACHES:
        transaction.on_commit(lambda: _deliver(keys))


def _deliver(keys: list[str]) -> None:
    pending = _batch.get()
    if pending is None:
        httpcache.send_purge(sorted(set(keys)))
    else:
        pending.update(keys)


class FreshnessMiddleware:
    """Each request's purges as one PURGE per cache, sent before the answer leaves (the
    reader who follows the redirect after a write already gets the new page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with batch():
            return self.get_response(request)
