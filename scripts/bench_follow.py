"""Follow mail: how fast one new review reaches 10,000 followers (make bench-follow).

On a fresh PostgreSQL database, seeds 10,000 confirmed followers of one series, publishes
a review of it, and times `manage.py db_worker` (the real worker, run-once) handing every
message to a local SMTP sink (aiosmtpd, counting only). Prints messages per second, with
the send rate lifted (REVIEWSITE_FOLLOW_MAIL_RATE) so the figure is what the code and the
database can do, not the configured politeness.

Environment: BENCH_FOLLOW_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/reviewsite_follow_bench, dropped and recreated),
BENCH_FOLLOWERS (default 10000).
"""

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from aiosmtpd.controller import Controller
from bench import recreate_database  # scripts/ is on the path: make runs this file

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_FOLLOW_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reviewsite_follow_bench"
)
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "10000"))


class Sink:
    """Counts messages; keeps nothing."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
        return "250 OK"


def main() -> int:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RATELIMIT_", "REVIEWSITE_"))
    }
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env |= {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "REVIEWSITE_FOLLOW_MAIL_RATE": "1000000",
        "REVIEWSITE_DEMO": "0",
    }
    os.environ.update(env)
    print(f"Recreating the database and seeding {FOLLOWERS} followers…", file=sys.stderr)
    recreate_database(DATABASE_URL)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.utils import timezone

    from comments.models import MailAddress
    from follows.models import Follow, Follower
    from follows.services import mailing_start
    from reviews.models import Review, Series

    now = timezone.now()
    series = Series.objects.create(name="Ballard")
    emails = [f"reader{n}@example.com" for n in range(FOLLOWERS)]
    MailAddress.objects.bulk_create(
        [MailAddress(email=e, confirmed_at=now) for e in emails], batch_size=2000
    )
    Follower.objects.bulk_create(
        [Follower(address_id=pk) for pk in MailAddress.objects.values_list("pk", flat=True)],
        batch_size=2000,
    )
    Follow.objects.bulk_create(
        [
            Follow(follower_id=pk, kind=Follow.Kind.SERIES, series=series)
            for pk in Follower.objects.values_list("pk", flat=True)
        ],
        batch_size=2000,
    )
    review = Review.objects.create(
        headline="Ballard, season 2: the cold case unit gets colder",
        slug="ballard-season-2",
        standfirst="Maggie Q is as good as ever.",
        work_title="BALLARD",
        season_number=2,
        series=series,
        score=8,
        status=Review.Status.PUBLISHED,
        published_at=now,
    )
    started = time.perf_counter()
    mailing_start(review_id=review.pk)
    queued = time.perf_counter() - started
    worker = subprocess.run(
        [*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    controller.stop()
    if worker.returncode != 0:
        print(worker.stderr[-3000:], file=sys.stderr)
        return 1
    rate = sink.count / elapsed
    print(f"follow mail, {date.today().isoformat()}: {FOLLOWERS} followers of one series")
    print(f"  queued the mailing (rows and batch tasks) in {queued:.2f} s")
    print(f"  {sink.count} messages delivered to the sink in {elapsed:.1f} s")
    print(f"  {rate:.0f} messages/s")
    return 0 if sink.count == FOLLOWERS else 1


if __name__ == "__main__":
    sys.exit(main())
