import dataclasses

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone

from reviews import images
from reviews.models import Figure, Profile, Review, has_a_name


def say_the_limit(form: forms.BaseForm, names) -> None:
    """Add "Up to N characters." to the help of these fields, and mark them full width.

    The limit is readable without JavaScript; static/js/admin-editors.js turns it into a
    running count of what is left.
    """
    for name in names:
        field = form.fields.get(name)
        if field is None or not getattr(field, "max_length", None):
            continue
        field.help_text = f"{field.help_text} Up to {field.max_length} characters.".strip()
        field.widget.attrs["class"] = "vTextField editors-wide"


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ["position", "order", "image", "alt_text", "caption", "credit"]
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    #: Set once this form's photo is in storage, so a refused submission can release it.
    stored = False

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        say_the_limit(self, ["alt_text", "caption", "credit"])
        self.fields["position"] = forms.TypedChoiceField(
            label="Placement",
            coerce=int,
            choices=placement_choices(review, current=self.instance.position),
            initial=1 if review is not None and review.pk and review.lead_figure else 0,
            help_text="Where the photo goes: the lead photo under the headline, or after "
            "one of the review's sections. A section not saved yet is chosen by its number "
            "(its place in the order, counting from 1).",
        )

    def clean_image(self):
        """Check a new upload and store it with its renditions, now.

        Storing while validating means a storage failure is a message on the form, with
        everything the editor typed still there, rather than an error page after the
        review row was half-saved.
        """
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):  # unchanged, or cleared
            return upload
        self.instance.image = images.prepare(upload)
        try:
            self.instance.process_image()
        except images.StorageFailed as error:
            raise ValidationError(str(error), code="storage") from error
        self.stored = True
        return self.instance.image


#: Section numbers offered beyond those saved, for sections typed on the same page.
SPARE_PLACES = 3


def placement_choices(review: Review | None, *, current: int = 0) -> list[tuple[int, str]]:
    """Where a figure can go, named from the review itself: "After section 2: “The cast”".

    Numbers past the saved sections stay selectable, so a photo can follow a section
    typed on the same page (no script needed), and a figure already placed there keeps
    its place.
    """
    sections = list(review.sections.all()) if review is not None and review.pk else []
    choices = [(0, "Lead photo, under the headline")]
    for number, section in enumerate(sections, start=1):
        name = f"“{section.heading}”" if section.heading else "the introduction"
        choices.append((number, f"After section {number}: {name}"))
    last = max(len(sections) + SPARE_PLACES, current)
    choices += [
        (n, f"After section {n} (not saved yet)") for n in range(len(sections) + 1, last + 1)
    ]
    return choices


class FigureFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "review": self.instance}

    def clean(self):
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("position") == 0
        ]
        if len(leads) > 1:
            raise ValidationError(
                "Only one photo can be the lead photo; place the others after a section.",
                code="two_leads",
            )


class ReviewAdminForm(forms.ModelForm):
    """The review form, refusing a save made from a page opened before someone else's save.

    loaded_revision carries the latest revision when the page was opened. If another revision
    was saved meanwhile the form is refused, with everything typed kept, until the
    editor ticks save_anyway (having compared, through the link the page shows).
    """

    loaded_revision = forms.CharField(widget=forms.HiddenInput, required=False)
    save_anyway = forms.BooleanField(
        required=False,
        label="Save my version over theirs",
        help_text="Tick this once you have compared the two, then save again.",
    )

    class Meta:
        model = Review
        fields: list[str] = []  # ReviewAdmin's fieldsets choose them

    #: The revision saved meanwhile, when the save was refused for it.
    conflict = None
    #: Who is saving (ReviewAdmin.get_form sets it): the author of a new review.
    current_user = None

    def _check_byline(self, cleaned) -> None:
        """Ask for a display name before a review under a login name is published."""
        published = Review.Status.PUBLISHED
        if cleaned.get("status") != published or self.initial.get("status") == published:
            return  # only the step to published asks; a live review stays editable
        if "author" in self.fields:
            author = cleaned.get("author") or (None if self.instance.pk else self.current_user)
        else:
            author = self.instance.author if self.instance.pk else self.current_user
        if author is not None and not has_a_name(author):
            self.add_error(
                "status" if "status" in self.fields else None,
                ValidationError(
                    "The byline would read “%(login)s”, a login name. Before the first "
                    "review by this account is published, give it a display name under "
                    "“My profile” (top right of the admin), then publish.",
                    code="no_display_name",
                    params={"login": author.get_username()},
                ),
            )

    def __init__(self, *args, **kwargs):
        from reviews.revisions import latest_revision

        super().__init__(*args, **kwargs)
        say_the_limit(self, ["headline", "standfirst", "verdict"])
        self.latest = latest_revision(self.instance) if self.instance.pk else None
        self.fields["loaded_revision"].initial = self.latest.pk if self.latest else ""

    #: Set when the data is what was posted as the session ended (KeepTypedTextMiddleware).
    returned_after_login = False

    def clean(self):
        cleaned = super().clean()
        if self.returned_after_login:
            raise ValidationError(
                "Your session ended before this was saved, so you were asked to log in. "
                "Everything you typed is back in the form below (photos must be chosen "
                "again): check it, then save.",
                code="session_ended",
            )
        if "_send_back" in self.data and not (cleaned.get("editor_note") or "").strip():
            self.add_error(
                "editor_note" if "editor_note" in self.fields else None,
                ValidationError(
                    "Write the note the writer will see: what to change before it can be "
                    "published.",
                    code="note_required",
                ),
            )
        self._check_byline(cleaned)
        if self.instance.pk is None or cleaned.get("save_anyway"):
            return cleaned
        loaded = (self.data.get(self.add_prefix("loaded_revision")) or "").strip()
        latest = str(self.latest.pk) if self.latest else ""
        if loaded != latest:
            self.conflict = self.latest
            who = self.latest.user.get_username() if self.latest.user else "someone"
            raise ValidationError(
                "Not saved: %(who)s saved this review at %(when)s, after you opened it. "
                "Everything you typed is still here; see the box at the top of the form.",
                code="stale",
                params={
                    "who": who,
                    "when": f"{timezone.localtime(self.latest.date_created):%H:%M:%S on %d %b %Y}",
                },
            )
        return cleaned


class ProfileForm(forms.ModelForm):
    """A critic's own profile. A new portrait is checked and stored while validating, as
    a figure's photo is, so a bad file or a storage failure is a message on the form."""

    class Meta:
        model = Profile
        fields = ["display_name", "bio", "portrait", "portrait_alt"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "portrait": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp"}
            ),
        }

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_portrait(self):
        upload = self.cleaned_data.get("portrait")
        if not isinstance(upload, UploadedFile):
            return upload
        prepared = images.prepare(upload)
        try:
            renditions = images.store(self.instance.portrait.storage, prepared)
        except images.StorageFailed as error:
            raise ValidationError(str(error), code="storage") from error
        self.instance.portrait_width, self.instance.portrait_height = (
            prepared.width,
            prepared.height,
        )
        self.instance.portrait_renditions = [dataclasses.asdict(r) for r in renditions]
        self.stored_name = prepared.name
        return prepared

    #: The stored portrait's name, once a new one is in storage.
    stored_name = ""

    def save(self, commit=True):
        if self.stored_name:  # stored already: the field must not store it a second time
            self.instance.portrait = self.stored_name  # a name: a file already stored
        return super().save(commit)

    def clean(self):
        cleaned = super().clean()
        has_portrait = cleaned.get("portrait") or (
            self.instance.portrait and cleaned.get("portrait") is not False
        )
        if has_portrait and not cleaned.get("portrait_alt", "").strip():
            self.add_error(
                "portrait_alt",
                ValidationError(
                    "Say what the portrait shows, for readers who cannot see it.",
                    code="alt_required",
                ),
            )
        if cleaned.get("portrait") is False:  # "Clear" ticked
            self.instance.portrait_renditions = []
        return cleaned


class LabelledSplitDateTime(admin_widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each with a name of its own.

    Django labels the pair as a whole (a legend) and writes "Date:" and "Time:" as bare
    text, so screen readers announced two unnamed boxes; axe flagged them.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("Date", "Time"), strict=False):
            subwidget["attrs"]["aria-label"] = part
        return context


#: formfield_overrides for any admin with date-and-time fields.
DATETIME_OVERRIDES = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
