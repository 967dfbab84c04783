from django import forms
from django.core.exceptions import ValidationError

from polls import services
from polls.models import DEFAULT_CHOICES, Choice, Poll

MAX_CHOICES = 10
NOT_A_CHOICE = "That answer is not part of this poll; choose one of the answers shown."


class VoteForm(forms.Form):
    """A reader's answer: the id of an answer, nothing else.

    Whether it is one of this poll's answers is checked by services.vote_cast inside the
    statement that stores the vote (NotAChoice), which saves a query on every vote.
    templates/polls/includes/poll_form.html draws the radios from the poll's results,
    which the page has already loaded.
    """

    choice = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,  # an id column's range: nothing larger reaches the database
        error_messages={
            "required": "Choose an answer, then press Vote.",
            "invalid": NOT_A_CHOICE,
            "min_value": NOT_A_CHOICE,
            "max_value": NOT_A_CHOICE,
        },
    )


class LinesField(forms.CharField):
    """Text with one item per line; blank lines and CRLF vs LF never count as a change."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def to_python(self, value):
        value = super().to_python(value)
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class PollForm(forms.ModelForm):
    """The poll as editors edit it inline on its review: the choices as lines of text.

    Django's admin cannot nest an inline of choices inside the poll inline, and one
    answer per line is quicker to type than a grid anyway. Existing choices are matched
    by their text, so they keep their votes.
    """

    choices_text = LinesField(
        label="Answers",
        initial="\n".join(DEFAULT_CHOICES),
        help_text=f"One answer per line, in the order readers see them (2 to {MAX_CHOICES}). "
        "An answer that has votes cannot be removed or renamed; close the poll instead.",
    )

    class Meta:
        model = Poll
        fields = ["question", "choices_text", "opens_at", "closes_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(c.text for c in self.instance.choices.all())

    def clean_choices_text(self) -> list[str]:
        texts = self.cleaned_data["choices_text"].split("\n")
        seen = set()
        for text in texts:
            if len(text) > Choice._meta.get_field("text").max_length:
                raise ValidationError(
                    "Keep each answer under %(max)d characters: “%(text)s…” is longer.",
                    code="too_long",
                    params={"max": Choice._meta.get_field("text").max_length, "text": text[:30]},
                )
            if text.casefold() in seen:
                raise ValidationError(
                    "“%(text)s” is listed twice.", code="duplicate", params={"text": text}
                )
            seen.add(text.casefold())
        if not 2 <= len(texts) <= MAX_CHOICES:
            raise ValidationError(
                "A poll needs between 2 and %(max)d answers, one per line.",
                code="count",
                params={"max": MAX_CHOICES},
            )
        if self.instance.pk:
            kept = set(texts)
            in_use = [
                choice
                for choice in self.instance.choices.with_votes()
                if choice.vote_count and choice.text not in kept
            ]
            if in_use:
                raise ValidationError(
                    "Readers have voted for %(names)s, so it cannot be removed or renamed. "
                    "Put it back, or close the poll and start a new one.",
                    code="in_use",
                    params={"names": ", ".join(f"“{c.text}” ({c.vote_count})" for c in in_use)},
                )
        return texts

    def save(self, commit=True):
        poll = super().save(commit=commit)
        if commit:
            self._save_choices()
        else:
            previous = self.save_m2m

            def save_m2m():
                previous()
                self._save_choices()

            self.save_m2m = save_m2m
        return poll

    def _save_choices(self):
        services.poll_set_choices(poll=self.instance, texts=self.cleaned_data["choices_text"])
