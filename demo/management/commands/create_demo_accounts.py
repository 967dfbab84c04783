import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from reviews.models import Profile
from reviewsite.roles import EDITORS, MODERATORS, WRITERS

ACCOUNTS = [
    ("admin", None, "superuser: every right"),
    ("writer", WRITERS, "drafts reviews and submits them for review; cannot publish"),
    (
        "editor",
        EDITORS,
        "publishes, sends back and schedules reviews; edits critics and the front page",
    ),
    (
        "moderator",
        MODERATORS,
        "removes, restores and approves comments, dismisses reports; nothing else",
    ),
]

#: The bylines of the demo accounts: a review is never published under a login name.
DISPLAY_NAMES = {
    "admin": "Alex Mercer",
    "writer": "Wren Hale",
    "editor": "Eddie Marsh",
    "moderator": "Morgan Lee",
}


class Command(BaseCommand):
    help = (
        "Create the demo accounts admin, writer, editor and moderator once, with random passwords "
        "printed once and kept in the git-ignored file .demo-accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(settings.BASE_DIR / ".demo-accounts"),
            help="Where to keep the passwords (default: .demo-accounts in the project).",
        )

    def handle(self, *args, file, **options):
        User = get_user_model()
        path = Path(file)
        lines = []
        for username, group_name, role in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username,
                password=password,
                is_staff=True,
                is_superuser=group_name is None,
            )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            Profile.objects.update_or_create(
                user=user, defaults={"display_name": DISPLAY_NAMES[username]}
            )
            lines.append(f"{username:<10} {password}   ({role})")
        if not lines:
            where = f" (passwords in {path})" if path.exists() else ""
            self.stdout.write(f"Demo accounts already exist{where}.")
            return
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo accounts created. Log in at /admin/ with:"))
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"These passwords are shown once and kept in {path} (git-ignored).")
