from django.core.management.base import BaseCommand

from reviews.services import review_apply_due_changes


class Command(BaseCommand):
    help = (
        "Apply the scheduled changes to published reviews whose time has come. The task "
        "worker does this at each change's time; run this from cron as a backstop."
    )

    def handle(self, *args, **options):
        count = review_apply_due_changes()
        self.stdout.write(f"Applied {count} scheduled change(s).")
