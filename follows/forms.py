from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from comments.forms import EMAIL_INVALID, Honeypot
from follows.models import Follow
from reviews.models import Review, Series, display_name


class FollowForm(forms.Form):
    """A reader's request to follow something; the view then calls follow_request.

    The page the form sits on names its series or critic in hidden fields; the reader
    picks between that and everything. The same form serves every page, so a shared,
    cached page carries nothing of any one reader.
    """

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": EMAIL_INVALID,
            "max_length": "An e-mail address is at most %(limit_value)d characters.",
        },
    )
    what = forms.ChoiceField(
        label="Follow",
        choices=Follow.Kind.choices,
        initial=Follow.Kind.SITE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to follow.",
            "invalid_choice": "Choose what to follow from the list.",
        },
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Follow.Frequency.choices,
        initial=Follow.Frequency.EACH,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how often.",
            "invalid_choice": "Choose each new review or a weekly digest.",
        },
    )
    series = forms.ModelChoiceField(
        Series.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That series is no longer on the site."},
    )
    # Only someone with a published review is a critic one can follow.
    critic = forms.ModelChoiceField(
        get_user_model().objects.filter(pk__in=Review.objects.published().values("author")),
        required=False,
        widget=forms.HiddenInput,  # by id: a page never shows a critic's login name
        error_messages={"invalid_choice": "That critic has no reviews on the site."},
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=Honeypot(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(
                "Nothing was sent because a hidden anti-spam field was filled in (browsers' "
                "autofill sometimes does this). Please press Follow again.",
                code="honeypot",
            )
        what = cleaned.get("what")
        if what == Follow.Kind.SERIES and not cleaned.get("series"):
            self.add_error("what", "Choose a series to follow from its page.")
        if what == Follow.Kind.CRITIC and not cleaned.get("critic"):
            self.add_error("what", "Choose a critic to follow from their page.")
        return cleaned

    @property
    def target(self) -> dict:
        """kind, series and critic as follow_request takes them."""
        data = self.cleaned_data
        kind = data["what"]
        return {
            "kind": kind,
            "series": data["series"] if kind == Follow.Kind.SERIES else None,
            "critic": data["critic"] if kind == Follow.Kind.CRITIC else None,
        }


def what_choices(*, series: Series | None = None, critic=None) -> list[tuple[str, str]]:
    """The "What" a form offers: the series and critic of the page it is on, then everything.

    The page's form and its refusal both ask here, so a refused form offers what its page did.
    """
    choices = []
    if series is not None:
        choices.append((Follow.Kind.SERIES, f"This series: {series.name}"))
    if critic is not None:
        choices.append((Follow.Kind.CRITIC, f"This critic: {display_name(critic)}"))
    choices.append((Follow.Kind.SITE, "Everything we review"))
    return choices


class ThanksBackForm(forms.Form):
    """The thank-you page's query: the series or critic whose page the form was on."""

    series = FollowForm.base_fields["series"]
    critic = FollowForm.base_fields["critic"]


class FollowChangeForm(forms.Form):
    """One row of "Your e-mails": how often a follow sends, or stop it."""

    follow = forms.IntegerField(min_value=1, max_value=2**62)
    frequency = forms.ChoiceField(choices=[*Follow.Frequency.choices, ("stop", "Stop")])
