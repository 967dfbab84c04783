from django.core.management.base import BaseCommand

from follows import services


class Command(BaseCommand):
    help = (
        "Queue the weekly digest (the past seven days' reviews) to every follower who chose "
        "it. Meant for cron once a week; a second run in the same week sends nothing twice."
    )

    def handle(self, *args, **options):
        count = services.digests_send()
        self.stdout.write(f"Queued {count} weekly digest(s).")
