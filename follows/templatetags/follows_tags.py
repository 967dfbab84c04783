"""The follow form, for the review page, the series hub and the author page."""

from django import template

from follows.forms import FollowForm, what_choices

register = template.Library()


@register.inclusion_tag("follows/includes/follow_form.html", takes_context=True)
def follow_form(context, *, series=None, critic=None, heading: str = ""):
    """A form the same for every reader (it may sit on a shared page): the page's series
    or critic, or everything; each new review or a weekly digest."""
    choices = what_choices(series=series, critic=critic)
    return {
        "request": context.get("request"),
        "user": context.get("user"),
        "form": FollowForm(),
        "choices": choices,
        "checked": choices[0][0],
        "series": series,
        "critic": critic,
        "heading": heading or "Follow by e-mail",
    }
