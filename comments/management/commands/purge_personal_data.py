from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from comments.services import comments_purge_personal_data


class Command(BaseCommand):
    help = "Erase IP addresses and user agents of comments older than --days (30). Run daily."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="Keep personal data this many days (30)."
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        count = comments_purge_personal_data(older_than=timedelta(days=days))
        self.stdout.write(
            f"Cleared the IP address and user agent of {count} "
            f"comment{'s' if count != 1 else ''} older than {days} day{'s' if days != 1 else ''}."
        )
