from django.core.management.base import BaseCommand

from polls.models import Poll
from polls.services import poll_recount


class Command(BaseCommand):
    help = (
        "Check every poll's stored vote counts against its vote rows and mend any that "
        "differ (only possible after changes made outside the site, e.g. by SQL)."
    )

    def handle(self, *args, **options):
        mended = 0
        for poll in Poll.objects.select_related("review"):
            for choice, was, now in poll_recount(poll=poll):
                mended += 1
                self.stdout.write(f"{poll.review.slug}: “{choice.text}” {was} → {now}")
        self.stdout.write(f"{mended} count(s) mended." if mended else "All counts agree.")
