"""List, and with --delete remove, photo files under figures/ that no figure uses.

A file a review revision names counts as used (restoring that revision brings it back),
and so does a critic's portrait.

Older versions could leave such files behind (a replaced photo, a delete the storage
refused). Works on whichever storage is configured, folder or bucket.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from infra import media
from infra.media import STORAGE_ERRORS
from reviews.images import UPLOAD_DIR
from reviews.models import Figure, Profile
from reviews.revisions import files_in_revisions


def portrait_files() -> set[str]:
    """Critics' portraits live in the same folder as the photos."""
    return set().union(*(profile.file_names() for profile in Profile.objects.exclude(portrait="")))


class Command(BaseCommand):
    help = "List photo files no figure or revision uses; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove the files listed")
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="leave files younger than this alone: an upload stores its files a moment "
            "before its figure is saved (default 60)",
        )

    def handle(self, *, delete: bool, min_age: int, **options):
        storage = Figure._meta.get_field("image").storage
        where = media.describe(storage)
        try:
            try:
                _, files = storage.listdir(UPLOAD_DIR)
            except FileNotFoundError:  # a folder nothing was ever uploaded to
                files = []
            # Listed first, then compared: a figure saved meanwhile counts as using its files.
            used = Figure.objects.file_names() | files_in_revisions() | portrait_files()
            cutoff = timezone.now() - timedelta(minutes=min_age)
            orphans, fresh = [], 0
            for name in sorted(f"{UPLOAD_DIR}/{file}" for file in files):
                if name in used:
                    continue
                if min_age and storage.get_modified_time(name) > cutoff:
                    fresh += 1
                    continue
                orphans.append(name)
                self.stdout.write(name)
                if delete:
                    storage.delete(name)
        except STORAGE_ERRORS as error:
            raise CommandError(f"Could not go through {where}: {media.reason(error)}") from error

        if not orphans:
            summary = f"No orphaned files under {UPLOAD_DIR}/ in {where}."
        elif delete:
            summary = f"Deleted {len(orphans)} orphaned file(s) from {where}."
        else:
            summary = f"{len(orphans)} orphaned file(s) in {where}; --delete removes them."
        if fresh:
            summary += f" {fresh} newer than {min_age} minutes left alone (uploads in progress?)."
        self.stdout.write(summary)
