from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def humane_duration(value: timedelta | None) -> str:
    """timedelta(minutes=15) → "15 minutes"; for messages that tell a reader how long."""
    if not value:
        return ""
    seconds = int(value.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size:
            count = -(-seconds // size) if unit != "hour" else round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "a moment"


@register.filter
def absolute_url(url: str, request) -> str:
    """A URL as crawlers and feed readers need it: with scheme and host."""
    return request.build_absolute_uri(url) if url else ""
