"""A moment as the site writes it in messages built in Python ("7 Dec 2026, 15:02"), the
format the templates use (`date:"j M Y, H:i"`), in the site's time zone: one wording
whether a reader, a writer or a moderator reads it."""

from django.utils import timezone
from django.utils.formats import date_format

#: The templates' format, for Python's messages.
WHEN = "j M Y, H:i"


def when(value, *, seconds: bool = False) -> str:
    """ "7 Dec 2026, 15:02" (with seconds: "7 Dec 2026, 15:02:07")."""
    return date_format(timezone.localtime(value), WHEN + (":s" if seconds else ""))
