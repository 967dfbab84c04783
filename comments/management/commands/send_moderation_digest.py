from django.core.management.base import BaseCommand

from comments.services import moderation_digest


class Command(BaseCommand):
    help = (
        "E-mail each moderator on the hourly (or daily) digest the comments waiting for a "
        "moderator that they have not been told about. Run it from cron: hourly and daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=["hourly", "daily"])

    def handle(self, *args, frequency: str, **options):
        sent = moderation_digest(frequency=frequency)
        self.stdout.write(f"Queued {sent} {frequency} digest{'s' if sent != 1 else ''}.")
