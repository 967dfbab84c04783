"""The follow form, for the review page, the series hub and the author page."""

from django import template

from follows.forms import FollowForm
from follows.models import Follow
from reviews.models import display_name

register = template.Library()


@register.inclusion_tag("follows/includes/follow_form.html", takes_context=True)
def follow_form(context, *, series=None, critic=None, heading: str = ""):
    """A form the same for every reader (it may sit on a shared page): the page's series
    or critic, or everything; each new review or a weekly digest."""
    choices = []
    if series is not None:
        choices.append((Follow.Kind.SERIES, f"This series: {series.name}"))
    if critic is not None:
        choices.append((Follow.Kind.CRITIC, f"This critic: {display_name(critic)}"))
    choices.append((Follow.Kind.SITE, "Everything we review"))
    return {
        "request": context.get("request"),
        "user": context.get("user"),
        "form": FollowForm(),
        "choices": choices,
        "first": choices[0][0],
        "series": series,
        "critic": critic,
        "heading": heading or "Follow by e-mail",
        "frequencies": Follow.Frequency.choices,
    }
