"""Our own entries in `manage.py check --deploy` (docs/operations.md, step 3)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


@register("mail", deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Mail has no request to build its links from: unset, every link in a follow mail or a
    digest sent by hand from a shell points at that shell's 127.0.0.1."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if not local:
        return []
    return [
        Warning(
            f"REVIEWSITE_SITE_URL is {settings.SITE_URL}, this machine's own address, so "
            "links in e-mails would lead readers nowhere.",
            hint="Set REVIEWSITE_SITE_URL to the site's public address, e.g. "
            "https://reviews.example.com.",
            id="reviewsite.W001",
        )
    ]
