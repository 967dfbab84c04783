from django.conf import settings
from django.core.management.base import BaseCommand

from follows import services


class Command(BaseCommand):
    help = (
        "Start the follower e-mail of every review that has gone live without one (a "
        "scheduled review's time came) and queue again messages a dead worker left unsent. "
        "Meant for cron, every few minutes; running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reclaim-after",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Take a message claimed this long ago and not sent as lost with its worker "
            "(default REVIEWSITE_FOLLOW_MAIL_RECLAIM). 0 only when no worker is running.",
        )

    def handle(self, *args, reclaim_after: int | None, **options):
        started = services.mailings_due()
        older_than = settings.FOLLOW_MAIL_RECLAIM if reclaim_after is None else reclaim_after
        queued = services.deliveries_reclaim(older_than=older_than)
        self.stdout.write(
            f"Started {started} mailing(s); queued {queued} waiting message(s) again."
        )
