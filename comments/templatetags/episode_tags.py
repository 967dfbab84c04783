"""The spoiler shield in the comment section: a comment tagged with an episode past the
one the reader is up to (?upto=N, reviews.episodes) is folded."""

from django import template

from reviews.episodes import parse_upto

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_upto(context) -> int | None:
    """{% reader_upto as upto %}: the episode this page's reader is up to, or None."""
    request = context.get("request")
    return parse_upto(request.GET.get("upto")) if request else None


@register.filter
def spoils(comment, upto: int | None) -> bool:
    """Whether the comment discusses an episode past `upto`."""
    return past(comment.episode_number, upto)


@register.filter
def past(episode_number: int | None, upto: int | None) -> bool:
    """Whether an episode comes after the one the reader is up to: a reply is folded with
    the comment it answers (replies carry no episode of their own)."""
    return bool(upto and episode_number and episode_number > upto)
