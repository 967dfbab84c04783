import copy
import dataclasses

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.models import construct_instance
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from infra.dates import when
from reviews import images
from reviews.checks import review_checks
from reviews.models import PUBLISH, Figure, Profile, Review, display_name, has_a_name


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


#: What the photo inputs offer to choose (reviews.images refuses anything else).
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ["position", "order", "image", "alt_text", "caption", "credit"]
        # The admin's own file widget: "Currently" and "Change" on two lines in one block.
        # A plain ClearableFileInput's loose words and input are laid out in a row by the
        # admin's flex rows, and the input ran out of the form at 1280 px.
        widgets = {"image": admin_widgets.AdminFileWidget(attrs={"accept": PHOTO_TYPES})}

    #: A photo stored by an earlier, refused submission of this form: its stored name,
    #: size and renditions, signed so that no other file can be named this way.
    kept = forms.CharField(widget=forms.HiddenInput, required=False)

    #: Set once this form's photo is in storage.
    stored = False

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_photo = self._kept_photo() if self.is_bound else None
        if self.kept_photo:  # chosen and stored already: not asked for again
            self.fields["image"].required = False
        say_the_limit(self, ["alt_text", "caption", "credit"])
        current = placement(self.instance.position, self.instance.paragraph)
        self.fields["position"] = forms.ChoiceField(
            label="Placement",
            choices=placement_choices(review, current=current),
            initial="1" if review is not None and review.pk and review.lead_figure else "0",
            help_text="Where the photo goes: the lead photo under the headline, inside a "
            "section after one of its paragraphs, or after a section. A section not saved "
            "yet is chosen by its number (its place in the order, counting from 1).",
        )
        if self.instance.pk:
            self.initial["position"] = current

    def clean_position(self):
        """ "4" is after section 4; "4.2" inside it, after its second paragraph."""
        section, _, paragraph = self.cleaned_data["position"].partition(".")
        self.instance.paragraph = int(paragraph) if paragraph else None
        return int(section)

    def clean_image(self):
        """Check a new upload and store it with its renditions, now.

        Storing while validating means a storage failure is a message on the form, with
        everything the editor typed still there, rather than an error page after the
        review row was half-saved.
        """
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):  # unchanged, cleared, or held from before
            if self.kept_photo and upload is not False:
                return self._use_kept_photo()
            return upload
        self.instance.image = images.prepare(upload)
        try:
            self.instance.process_image()
        except images.StorageFailed as error:
            raise ValidationError(str(error), code="storage") from error
        self.stored = True
        self._hold()
        return self.instance.image

    def _kept_photo(self) -> dict | None:
        token = self.data.get(self.add_prefix("kept"))
        if not token:
            return None
        try:
            return signing.loads(token, salt=KEPT_SALT, max_age=KEPT_FOR)
        except signing.BadSignature:
            return None

    def _hold(self) -> None:
        """Carry the stored photo in the form, so that if the save is refused for any
        reason (another field, a conflict, a byline) it is not chosen and sent again."""
        figure = self.instance
        photo = {
            "name": figure.image.name,
            "width": figure.width,
            "height": figure.height,
            "renditions": figure.renditions,
        }
        self.data = self.data.copy()
        self.data[self.add_prefix("kept")] = signing.dumps(photo, salt=KEPT_SALT)
        self.kept_photo = photo

    def _use_kept_photo(self):
        figure, photo = self.instance, self.kept_photo
        if figure.pk and figure.image.name != photo["name"]:  # its old files go after save
            figure._replaced = Figure.objects.filter(pk=figure.pk).first()
        figure.image = photo["name"]  # a name: stored already, not again on save
        figure.width, figure.height = photo["width"], photo["height"]
        figure.renditions = photo["renditions"]
        return figure.image


#: How long a refused form's stored photo may be sent back without choosing it again.
KEPT_FOR = 24 * 3600
KEPT_SALT = "reviews.figure.kept"

#: Section numbers offered beyond those saved, for sections typed on the same page.
SPARE_PLACES = 10


def placement(position: int, paragraph: int | None) -> str:
    """A figure's place as the placement list names it: "4", or "4.2" inside section 4."""
    return str(position) if paragraph is None or position == 0 else f"{position}.{paragraph}"


def placement_choices(review: Review | None, *, current: str = "0") -> list[tuple[str, str]]:
    """Where a figure can go, named from the review itself: "After section 2: “The cast”",
    and inside each section, before its first paragraph or after any but its last.

    Numbers past the saved sections stay selectable, so a photo can follow a section
    typed on the same page (no script needed), and a figure already placed there keeps
    its place.
    """
    sections = list(review.sections.all()) if review is not None and review.pk else []
    choices = [("0", "Lead photo, under the headline")]
    for number, section in enumerate(sections, start=1):
        name = f"“{section.heading}”" if section.heading else "the introduction"
        for after in range(len(section.paragraphs())):
            where = "before its first paragraph" if after == 0 else f"after paragraph {after}"
            choices.append((f"{number}.{after}", f"In section {number}, {where}"))
        choices.append((str(number), f"After section {number}: {name}"))
    last = max(len(sections) + SPARE_PLACES, int(current.partition(".")[0]))
    choices += [
        (str(n), f"After section {n} (not saved yet)") for n in range(len(sections) + 1, last + 1)
    ]
    if current not in dict(choices):  # a paragraph since removed: it shows after the section
        section, _, after = current.partition(".")
        choices.append((current, f"In section {section}, after paragraph {after}"))
    return choices


class ReviewRowsFormSet(forms.BaseInlineFormSet):
    """A review's sections or photos on its form, known to the review form (by the review
    they share) so that submitting or publishing can check the rows as typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin gives the review form's own instance to each of its formsets; there
        # is no public hook between validating them all and saving.
        self.instance.__dict__.setdefault("form_rows", {})[self.prefix] = self

    def rows(self) -> list[tuple[str, object]]:
        """The rows that will be saved, as (prefix, unsaved row), in their order."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        # New rows left at order 0 go after the others (ReviewAdmin.save_formset).
        kept.sort(key=lambda pair: (pair[1].instance.order or float("inf"), pair[0]))
        return [(form.prefix, form.instance) for _, form in kept]


class CreditFormSet(ReviewRowsFormSet):
    """Credits in a table, one row each: a column heading labels no input, so each input
    is named for itself ("Person, credit 2"), which screen readers and axe need."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f", credit {index + 1}" if index is not None else ", new credit"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else field.label or name
            field.widget.attrs["aria-label"] = f"{label}{row}"


class FigureFormSet(ReviewRowsFormSet):
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


def byline_refusal(author, publisher) -> str:
    """Why a review under a login name is not published, saying who can fix it and
    linking to the page where the person publishing can (the Critics page gives any
    critic a display name; every account can name itself under My profile)."""
    if publisher is not None and publisher.pk == author.pk:
        where, who = reverse("admin:reviews_profile_mine"), "your display name under My profile"
    else:
        where = reverse("admin:reviews_profile_critic", args=[author.pk])
        who = "a display name on their Critics page (you or any editor can)"
    return format_html(
        "The byline would read “{}”, a login name. Give {}: "
        '<a href="{}">set the byline of {}</a>, then publish.',
        author.get_username(),
        who,
        where,
        author.get_username(),
    )


#: The value of a "Publish anyway" button named after a save button (publish_anyway_name).
PUBLISH_ANYWAY = "publish-anyway"
#: The admin's save buttons that say where to go after saving.
SAVE_AND = ("_continue", "_addanother")
#: A save made while a change is scheduled: put into the change too, or now only.
CARRY, REPLACE = "carry", "replace"


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

    with_scheduled = forms.ChoiceField(
        required=False,
        label="Save with a change scheduled",
        choices=[
            (
                CARRY,
                "Save now, and put this save into the scheduled change too: it is not undone "
                "when the change goes live (where both change the same thing, the scheduled "
                "change’s version wins, and you are told what)",
            ),
            (
                REPLACE,
                "Save now only: the scheduled change still replaces the whole review, this "
                "save included, when it goes live",
            ),
        ],
        widget=forms.RadioSelect,
    )

    go_live_at = forms.SplitDateTimeField(
        required=False,
        label="Changes go live at",
        widget=None,  # set in __init__: the admin's labelled date and time inputs
        help_text="For a published review: leave empty to change it now. With a time, "
        "readers keep seeing the current version until then, when your changes replace "
        "it by themselves.",
    )

    class Meta:
        model = Review
        fields: list[str] = []  # ReviewAdmin's fieldsets choose them
        error_messages = {
            "slug": {
                "unique": "Another review already has this address. Change the slug (or, "
                "with the slug left empty, the headline)."
            }
        }

    #: The revision saved meanwhile, when the save was refused for it.
    conflict = None
    #: The scheduled change a save was refused for (_check_scheduled).
    pending_change = None
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
                ValidationError(byline_refusal(author, self.current_user), code="no_display_name"),
            )

    def __init__(self, *args, **kwargs):
        from reviews.revisions import latest_revision

        super().__init__(*args, **kwargs)
        self.fields["go_live_at"].widget = LabelledSplitDateTime()
        say_the_limit(self, ["headline", "standfirst", "verdict"])
        if "slug" in self.fields:  # typed by a script when there is one; never required
            self.fields["slug"].required = False
            self.fields["slug"].help_text += (
                " Left empty, it is made from the headline; until the review is first "
                "published it follows the headline, unless you typed one yourself."
            )
        if "work_title" in self.fields:  # a recap's show is its episode's
            self.fields["work_title"].required = False
            self.fields["work_title"].help_text += " A recap left without one takes its show's."
        self.latest = latest_revision(self.instance) if self.instance.pk else None
        self.fields["loaded_revision"].initial = self.latest.pk if self.latest else ""

    def clean_published_at(self):
        """The form shows the time to the second; sent back unchanged, it is the stored time
        (with its fraction of a second), so a save is not taken for a new publication."""
        typed = self.cleaned_data.get("published_at")
        stored = self.instance.published_at if self.instance.pk else None
        if typed and stored and typed == stored.replace(microsecond=0):
            return stored
        return typed

    def clean_slug(self) -> str:
        """The headline's slug when none was typed: without JavaScript (or before the
        page's script has run) the address is still filled in, not refused as missing."""
        typed = self.cleaned_data.get("slug")
        headline = self.cleaned_data.get("headline") or ""
        if not typed:
            return slugify(headline)[:200]
        # A draft never published keeps following its headline (no reader has the address
        # yet), unless someone typed an address of their own.
        review, was = self.instance, self.initial.get("headline") or ""
        never_out = review.pk and review.status == Review.Status.DRAFT and not review.published_at
        if never_out and headline != was and typed == review.slug == slugify(was)[:200]:
            return slugify(headline)[:200]
        return typed

    def _check_go_live_at(self, cleaned) -> None:
        at = cleaned.get("go_live_at")
        if at is None:
            return
        published = Review.Status.PUBLISHED
        if not self.instance.pk or self.initial.get("status") != published:
            self.add_error(
                "go_live_at",
                ValidationError(
                    "Only a published review's changes wait for a time; a draft is "
                    "scheduled by publishing it with a time under “Publish at”.",
                    code="not_published",
                ),
            )
        elif cleaned.get("status", published) != published:
            self.add_error(
                "go_live_at",
                ValidationError(
                    "Unpublishing happens now: leave the time empty to unpublish.",
                    code="unpublish_now",
                ),
            )
        elif at <= timezone.now():
            self.add_error(
                "go_live_at",
                ValidationError(
                    "Choose a time in the future, or leave it empty to change the review now.",
                    code="past",
                ),
            )

    def _check_scheduled(self, cleaned) -> None:
        """A scheduled change is the whole review as it will read, so when it goes live
        it undoes whatever was saved in between: a save now, or another scheduled change.
        Such a save is refused, everything typed kept, until the editor says they know."""
        if not self.instance.pk:
            return
        pending = self.instance.scheduled_changes.order_by("go_live_at", "pk").first()
        if pending is None:
            return
        if cleaned.get("with_scheduled") == CARRY and cleaned.get("go_live_at"):
            self.pending_change = pending  # the choice is drawn again, to choose the other
            self.add_error(
                "go_live_at",
                ValidationError(
                    "A save put into the scheduled change goes live now: leave this time "
                    "empty, or choose to save now only.",
                    code="carry_needs_now",
                ),
            )
        if cleaned.get("with_scheduled"):
            return
        self.pending_change = pending
        self.add_error(
            None,
            ValidationError(
                "Not saved: a change to this review is scheduled for %(when)s and will "
                "replace the whole review then, undoing what you save now. Everything you "
                "typed is still here; see the box at the top of the form.",
                code="change_pending",
                params={"when": when(pending.go_live_at)},
            ),
        )

    #: Set when the data is what was posted as the session ended (KeepTypedTextMiddleware).
    returned_after_login = False

    #: The content checks that stopped a submit or publish ("submit" or "publish"), to be
    #: asked once more: the re-shown form lists them with "Submit/Publish anyway".
    warnings: list = []
    step = ""

    def _going_out(self, cleaned) -> str:
        """Which step this save takes the review to: "submit", "publish" or none ("")."""
        user = self.current_user
        may_publish = user is not None and user.has_perm(PUBLISH)
        if "_submit" in self.data and not may_publish:
            return "submit" if self.instance.status == Review.Status.DRAFT else ""
        published = Review.Status.PUBLISHED
        if cleaned.get("status") == published and self.initial.get("status") != published:
            return "publish"
        return ""

    @property
    def publish_anyway_name(self) -> str:
        """The "Publish anyway" button's name: the save button first pressed ("Save and
        continue editing", "Save and add another") so the admin goes where it would have."""
        return next((name for name in SAVE_AND if name in self.data), "_publish_anyway")

    def _check_content(self, cleaned) -> None:
        """Content checks are warnings: a submit or publish with some open is refused
        once, with nothing saved, and goes ahead from the re-shown form's "… anyway"."""
        step = self._going_out(cleaned)
        if not step or self.errors:
            return
        if self.data.get("_submit") == "anyway" or "_publish_anyway" in self.data:
            return
        if any(self.data.get(name) == PUBLISH_ANYWAY for name in SAVE_AND):
            return
        rows = self.instance.__dict__.get("form_rows", {})
        if not all(formset.is_valid() for formset in rows.values()):
            return  # their errors first; the checks once the rows are right
        draft = construct_instance(self, copy.copy(self.instance))
        found = review_checks(
            draft,
            sections=rows["sections"].rows() if "sections" in rows else None,
            figures=rows["figures"].rows() if "figures" in rows else None,
        )
        if not found:
            return
        self.warnings, self.step = found, step
        done = "submitted" if step == "submit" else "published"
        raise ValidationError(
            "Not %(done)s yet: the content checks found %(count)s to look at. "
            "Fix them and save again, or press “%(button)s” to go ahead as it is.",
            code="content_checks",
            params={
                "done": done,
                "count": f"{len(found)} thing{'s' if len(found) > 1 else ''}",
                "button": "Submit anyway" if step == "submit" else "Publish anyway",
            },
        )

    def _check_title(self, cleaned) -> None:
        if "work_title" not in self.fields or cleaned.get("work_title"):
            return
        if episode := cleaned.get("episode"):
            cleaned["work_title"] = Review.objects.title_of(episode.series)
        elif "work_title" not in self.errors:
            self.add_error(
                "work_title",
                ValidationError(
                    "Name the show or film (or choose the episode this recap is of).",
                    code="required",
                ),
            )

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
        self._check_title(cleaned)
        self._check_byline(cleaned)
        self._check_go_live_at(cleaned)
        self._check_scheduled(cleaned)
        if self.instance.pk is None or cleaned.get("save_anyway"):
            self._check_content(cleaned)
            return cleaned
        loaded = (self.data.get(self.add_prefix("loaded_revision")) or "").strip()
        latest = str(self.latest.pk) if self.latest else ""
        if loaded != latest:
            self.conflict = self.latest
            who = display_name(self.latest.user) if self.latest.user else "someone"
            raise ValidationError(
                "Not saved: %(who)s saved this review at %(when)s, after you opened it. "
                "Everything you typed is still here; see the box at the top of the form.",
                code="stale",
                params={
                    "who": who,
                    "when": when(self.latest.date_created, seconds=True),
                },
            )
        self._check_content(cleaned)
        return cleaned


class ProfileForm(forms.ModelForm):
    """A critic's own profile. A new portrait is checked and stored while validating, as
    a figure's photo is, so a bad file or a storage failure is a message on the form."""

    class Meta:
        model = Profile
        fields = ["display_name", "bio", "portrait", "portrait_alt"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "portrait": admin_widgets.AdminFileWidget(attrs={"accept": PHOTO_TYPES}),
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
