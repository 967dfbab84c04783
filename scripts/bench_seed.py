"""make bench, step 1 (run by scripts/bench.py with the benchmark's environment): the data
and the per-page figures that need Django itself (queries per page, HTML bytes).

Prints one JSON object on stdout.
"""

import io
import json
import random

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from comments.models import Comment  # noqa: E402
from demo.content import BALLARD_SLUG  # noqa: E402
from polls.models import Choice, Vote  # noqa: E402
from reviews.models import Review  # noqa: E402

COMMENTS = 500
VOTES = 10_000
TWENTY = "salt-flats-review"  # the review that gets exactly 20 comments


def seed_comments(review: Review, count: int, replies_every: int = 5) -> None:
    rng = random.Random(count)
    tops = Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Reader {n}",
            body=f"Comment {n}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60))),
            rating=rng.randint(1, 5),
            reader=f"a:bench-{review.pk}-{n}",
        )
        for n in range(count - count // replies_every)
    )
    Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Replier {n}",
            body="Agreed, mostly.",
            parent=tops[n],
            reader=f"a:bench-r-{review.pk}-{n}",
        )
        for n in range(count // replies_every)
    )
    Review.objects.filter(pk=review.pk).update(comments_version=F("comments_version") + 1)


def seed_votes(review: Review, count: int) -> None:
    choices = list(review.poll.choices.all())
    weights = [0.55, 0.25, 0.20]
    picks = random.Random(1).choices(range(len(choices)), weights, k=count)
    Vote.objects.bulk_create(
        (
            Vote(poll=review.poll, choice=choices[i], voter=f"a:bench-{n}")
            for n, i in enumerate(picks)
        ),
        batch_size=2000,
    )
    for index, choice in enumerate(choices):
        Choice.objects.filter(pk=choice.pk).update(vote_count=picks.count(index))


WORDS = [
    "the",
    "season",
    "finale",
    "detective",
    "case",
    "Maggie",
    "Ballard",
    "slow",
    "brilliant",
    "twist",
    "pacing",
    "cast",
    "cold",
    "unit",
    "plot",
    "writing",
    "episode",
    "Bosch",
    "cliffhanger",
    "watch",
    "loved",
    "hated",
    "again",
]


def measure(client: Client, path: str) -> dict:
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return {"queries_cold": len(cold), "queries_warm": len(warm), "bytes": len(response.content)}


def main() -> None:
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    ballard = Review.objects.get(slug=BALLARD_SLUG)
    # The demo has a few comments of its own: the benchmark's are told apart by their
    # readers' ids, and added up to the counts it promises.
    if not Comment.objects.filter(reader__startswith="a:bench-").exists():
        seed_comments(ballard, COMMENTS - ballard.comments.count())
        seed_votes(ballard, VOTES)
        twenty = Review.objects.get(slug=TWENTY)
        seed_comments(twenty, 20 - twenty.comments.count(), replies_every=10**6)
    client = Client()
    review = ballard.get_absolute_url()
    print(
        json.dumps(
            {
                "comments": ballard.comments.count(),
                "votes": Vote.objects.filter(poll__review=ballard).count(),
                "pages": {
                    "review": measure(client, review),
                    "review, comments page 2": measure(client, review + "?comments=2"),
                    "home": measure(client, "/"),
                    "review with 20 comments": measure(client, f"/reviews/{TWENTY}/"),
                },
            }
        )
    )


main()
