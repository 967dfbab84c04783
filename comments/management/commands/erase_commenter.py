from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.services import address_erase, commenter_erase


class Command(BaseCommand):
    help = (
        "Anonymise every comment posted with EMAIL: name becomes Anonymous; email, IP address "
        "and user agent are cleared. The text stays unless --remove-text is given. The "
        "address's record goes too: its confirmation and whatever it follows by e-mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text",
            action="store_true",
            help="Also replace the text with a placeholder and take the comments off the page "
            "(their ratings stop counting).",
        )

    def handle(self, *args, email: str, remove_text: bool, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        count = commenter_erase(email=email, remove_text=remove_text)
        if address_erase(email=email):
            self.stdout.write(
                f"Deleted the record of {email}: its confirmation and what it followed."
            )
        if not count:
            self.stdout.write(f"No comments were posted with {email}; no comment changed.")
            return
        what = "text removed and taken off the page" if remove_text else "text kept"
        self.stdout.write(
            f"Anonymised {count} comment{'s' if count != 1 else ''} posted with {email} ({what})."
        )
