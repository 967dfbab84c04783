import re
import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from comments import text
from comments.models import Ban, Comment, ModeratorAlerts, Notice, Reason, Report
from reviews.models import Review

STAMP_SALT = "comments.CommentForm.stamp"
#: A comment id as it may appear in a form or a URL: ASCII digits that fit a bigint.
COMMENT_ID = re.compile(r"[0-9]{1,18}")
ALREADY_RATED = (
    "You have already rated this review. Post again to send your comment without a rating."
)
#: Every reader form's word for an address it cannot read (comments, reports, follows).
EMAIL_INVALID = "Please enter an e-mail address like name@example.com."


def tags_episode(review: Review, *, reply: bool) -> bool:
    """Whether a comment form asks which episode the comment discusses: on a season
    review of a show (not a recap, not a film), for a comment, not a reply."""
    return bool(review.series_id and not review.episode_id and not reply)


class FormStamp(signing.TimestampSigner):
    """Signs the moment a comment form was rendered, so a post can tell how long ago that was.

    `now` is injectable so tests can make a stamp from the past instead of sleeping.
    """

    def __init__(self, *, now=time.time):
        super().__init__(salt=STAMP_SALT)
        self.now = now

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.now()))

    def stamp(self) -> str:
        # The signed value carries milliseconds; the signer's own timestamp whole seconds.
        return self.sign(str(round(self.now() * 1000)))

    def age(self, stamp: str) -> float | None:
        """Seconds since stamp() was called, or None for a missing, forged or garbled stamp."""
        try:
            millis = int(self.unsign(stamp))
        except (signing.BadSignature, ValueError):
            return None
        return self.now() - millis / 1000


class ReaderText(forms.CharField):
    """A CharField for readers' text: control characters refused, invisible ones removed,
    NFC; the length limit applies to the cleaned text."""

    def to_python(self, value):
        return text.clean(super().to_python(value))


class PublishableText(ReaderText):
    """Readers' text that may not hold a word from REVIEWSITE_COMMENT_BANNED_WORDS."""

    def validate(self, value):
        super().validate(value)
        word = text.find_word(value, settings.COMMENT_BANNED_WORDS)
        if word:
            raise ValidationError(
                f"We don’t publish “{word}”. Please rephrase and post again; your text is "
                "kept here.",
                code="banned_word",
            )


class Honeypot(forms.TextInput):
    """A field only bots fill in. Never rendered with a value, so a person whose browser
    autofilled it can simply post again."""

    def format_value(self, value):
        return None


class CommentForm(forms.ModelForm):
    """A reader's comment, with or without a rating, or a reply to another comment.

    The form only validates; comments.services.comment_post decides and writes.
    """

    RATING_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]

    name = PublishableText(
        label="Name",
        max_length=60,
        help_text="Shown with your comment.",
        error_messages={
            "required": "Please enter a name to show with your comment.",
            "max_length": "Please keep your name to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label="E-mail (optional)",
        required=False,
        max_length=254,
        help_text="Never shown. Used to tell you about replies if you ask, or if we need to "
        "reach you about your comment.",
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify_replies = forms.BooleanField(
        label="E-mail me when someone replies",
        required=False,
        help_text="We send one e-mail to confirm the address first; every message has a "
        "one-click unsubscribe.",
    )
    rating = forms.TypedChoiceField(
        label="Your rating (optional)",
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a rating from 1 to 5 stars, or no rating."},
    )
    body = PublishableText(
        label="Comment",
        max_length=5000,
        error_messages={
            "required": "Please write your comment.",
            "max_length": "Please keep your comment to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    spoiler = forms.BooleanField(
        label="Contains spoilers",
        required=False,
        help_text="Your comment will be folded behind “Show spoiler”.",
    )
    # Drawn by comments/includes/episode_field.html on season reviews with episodes.
    episode_number = forms.IntegerField(required=False, min_value=1, max_value=999)
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=Honeypot(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["name", "email", "notify_replies", "rating", "body", "spoiler"]

    def __init__(
        self, *args, review: Review, rated: int | None = None, reply_to: str | None = None, **kwargs
    ):
        """rated: the stars this reader already gave the review (the form then offers none);
        reply_to: the id of the comment a reader chose to answer (a GET's ?reply_to=)."""
        super().__init__(*args, **kwargs)
        self.review = review
        self.rated = rated
        #: The comment being answered, if it can be: shown as "Replying to NAME".
        self.reply_to = self._find_parent(self.data.get("parent") if self.is_bound else reply_to)
        if self.offers_rating:  # stars alone are a rating: say so when both are missing
            self.fields["body"].error_messages["required"] = (
                "Write your comment, or choose stars to rate the review without one."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.template = "comments/includes/crispy_fields.html"
        self.helper.layout = Layout(
            Div("name", "email", css_class="comment-form__who"),
            "notify_replies",
            *(
                [Field("rating", template="comments/includes/star_input.html")]
                if self.offers_rating
                else []
            ),
            Field("body", css_class="comment-form__body"),
            "spoiler",
        )

    @property
    def tags_episode(self) -> bool:
        return tags_episode(self.review, reply=self.reply_to is not None)

    @property
    def offers_rating(self) -> bool:
        return self.rated is None and self.reply_to is None

    def new_stamp(self) -> str:
        return FormStamp().stamp()

    def _replyable(self, comment) -> bool:
        return (
            comment is not None
            and comment.review_id == self.review.pk
            and comment.parent_id is None
            and comment.status == Comment.Status.PUBLISHED
        )

    def _find_parent(self, value: str | None) -> Comment | None:
        if not value or not COMMENT_ID.fullmatch(value):
            return None
        comment = Comment.objects.filter(pk=int(value)).first()
        return comment if self._replyable(comment) else None

    def clean_parent(self):
        value = self.cleaned_data["parent"]
        if not value:
            return None
        if not COMMENT_ID.fullmatch(value):
            raise ValidationError("The comment you are replying to could not be found.")
        comment = Comment.objects.filter(pk=int(value)).first()
        if comment is None or comment.review_id != self.review.pk:
            raise ValidationError(
                "You can only reply to a comment on this review. Post again to leave "
                "your text as a new comment.",
                code="other_review",
            )
        if comment.status != Comment.Status.PUBLISHED:
            raise ValidationError(
                "The comment you are replying to is no longer shown. Post again to leave "
                "your text as a new comment.",
                code="parent_hidden",
            )
        if comment.parent_id is not None:
            raise ValidationError(
                "Replies go one level deep: you can reply to the original comment, not to "
                "a reply. Post again to leave your text as a new comment.",
                code="too_deep",
            )
        return comment

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("website"):
            raise ValidationError(
                "Your comment was not posted because a hidden anti-spam field was filled in "
                "(browsers' autofill sometimes does this). Please post it again.",
                code="honeypot",
            )
        age = FormStamp().age(self.data.get("stamp") or "")
        if age is None:
            raise ValidationError(
                "This form could not be checked, please post again.", code="stamp"
            )
        if age > settings.COMMENT_FORM_MAX_AGE:
            raise ValidationError("This form has expired, please post again.", code="expired")
        # An empty comment is told "Please write your comment", not that it was quick.
        empty = not cleaned.get("body") and cleaned.get("rating") is None
        if age < settings.COMMENT_MIN_SECONDS and not empty:
            raise ValidationError(
                "That was quick… too quick for us to tell you from a spam robot. "
                "Please check your comment and post it again.",
                code="too_fast",
            )
        if (
            cleaned.get("notify_replies")
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error(
                "email",
                ValidationError(
                    "Enter your e-mail address to be told about replies, or untick "
                    "“E-mail me when someone replies”.",
                    code="notify_without_email",
                ),
            )
        if cleaned.get("rating") is not None:
            # Non-field errors: the form no longer shows stars in either case.
            if cleaned.get("parent") is not None:
                self.add_error(
                    None,
                    ValidationError(
                        "A reply can’t carry a rating: rate the review in a comment of "
                        "your own. Post again to send your reply without one.",
                        code="reply_rated",
                    ),
                )
            elif self.rated is not None:
                self.add_error(None, ValidationError(ALREADY_RATED, code="already_rated"))
        return cleaned


class CommentEditForm(forms.ModelForm):
    """A reader's change to their own comment: its text, spoiler flag and (on a comment,
    not a reply) rating, and on a season review with episodes the episode it discusses.
    comments.services.comment_edit decides and writes."""

    body = CommentForm.declared_fields["body"]
    rating = CommentForm.declared_fields["rating"]
    spoiler = CommentForm.declared_fields["spoiler"]
    episode_number = CommentForm.declared_fields["episode_number"]

    class Meta:
        model = Comment
        fields = ["rating", "body", "spoiler", "episode_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_reply = self.instance.parent_id is not None
        if is_reply:
            del self.fields["rating"]
        #: Drawn by comments/includes/episode_field.html, as on the comment form.
        self.tags_episode = tags_episode(self.instance.review, reply=is_reply)
        if not self.tags_episode:
            del self.fields["episode_number"]
        # The same stars as the comment form, not a list of radio buttons.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *([] if is_reply else [Field("rating", template="comments/includes/star_input.html")]),
            "body",
            "spoiler",
        )

    def _post_clean(self):
        # The model is not changed here: the service does that, on a locked row.
        pass


NOTE_MAX = Report._meta.get_field("note").max_length
#: The reasons as a reader reads them on the report form.
REPORT_LABELS = {
    Reason.SPAM: "Spam or advertising",
    Reason.ABUSE: "Abusive, hateful or harassing",
    Reason.OFF_TOPIC: "Off-topic",
    Reason.PERSONAL_DATA: "Shares someone’s personal information",
    Reason.OTHER: "Something else",
}


class RemoveForm(forms.Form):
    """Why a moderator removes a comment: a reason from the list and an optional note."""

    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason…"), *Reason.choices],
        error_messages={
            "required": "Choose why you are removing this comment.",
            "invalid_choice": "Choose a reason from the list.",
        },
    )
    note = ReaderText(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX,
        help_text="For the moderation log: what was wrong, a ticket number…",
        error_messages={
            "max_length": "Please keep the note to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )
    tell_author = forms.BooleanField(
        label="Tell the author by e-mail",
        required=False,
        help_text="The decision and the reason (not your note), if they confirmed their address.",
    )


class DismissForm(forms.Form):
    """Why a moderator keeps a reported comment; its fields are reports_dismiss's."""

    note = ReaderText(
        label="Why keep it? (for the moderation log)",
        required=False,
        max_length=NOTE_MAX,
        help_text="What you checked: “satire, not abuse”, “a fair criticism”…",
        error_messages={
            "max_length": "Please keep the note to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )
    abusive = forms.BooleanField(
        label="The reports were abusive",
        required=False,
        help_text="Readers whose reports are dismissed as abusive twice no longer hide "
        "comments by reporting them.",
    )


class BanForm(RemoveForm):
    """How long a moderator bans a commenter, and why (the reason and note of RemoveForm)."""

    length = forms.ChoiceField(
        label="For how long",
        choices=Ban.Length.choices,
        initial=Ban.Length.DAY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long the ban lasts.",
            "invalid_choice": "Choose 1 day, 7 days or for good.",
        },
    )
    remove = forms.BooleanField(label="Remove this comment too", required=False, initial=True)

    field_order = ["length", "reason", "note", "remove", "tell_author"]


class ModeratorAlertsForm(forms.ModelForm):
    """How a moderator wants to hear about comments that wait for them, and where."""

    email = forms.EmailField(
        label="Your e-mail address",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_INVALID},
    )

    def clean(self):
        cleaned = super().clean()
        wants = cleaned.get("frequency") not in (None, ModeratorAlerts.Frequency.OFF)
        if wants and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter the address the alerts should go to.")
        return cleaned

    class Meta:
        model = ModeratorAlerts
        fields = ["frequency"]
        labels = {"frequency": "E-mail me about comments held or hidden by reports"}
        widgets = {"frequency": forms.RadioSelect}


class ReportForm(forms.ModelForm):
    """A reader's report of a comment. The form only validates; comment_report writes."""

    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=list(REPORT_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what is wrong with this comment.",
            "invalid_choice": "Choose one of the reasons listed.",
        },
    )
    note = ReaderText(
        label="Anything a moderator should know? (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Please keep your note to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )

    class Meta:
        model = Report
        fields = ["reason", "note"]


class NoticeForm(forms.ModelForm):
    """A notice that a comment is illegal, with what Article 16 of the EU Digital
    Services Act asks of it. The form only validates; notice_submit writes."""

    category = forms.ChoiceField(
        label="What law does it break?",
        choices=Notice.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of illegal content this is.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    explanation = ReaderText(
        label="Why is it illegal?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what in the comment is illegal and why, as precisely as you can.",
        error_messages={
            "required": "Please explain why the comment is illegal.",
            "max_length": "Please keep your explanation to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    name = ReaderText(
        label="Your name (optional)",
        required=False,
        max_length=100,
        error_messages={
            "max_length": "Please keep your name to %(limit_value)d characters "
            "(it has %(show_value)d)."
        },
    )
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We send the decision and its reasons here. Never shown.",
        error_messages={
            "required": "Enter the address the decision should go to.",
            "invalid": EMAIL_INVALID,
        },
    )
    good_faith = forms.BooleanField(
        label="I believe in good faith that what I say here is accurate and complete.",
        error_messages={"required": "Please confirm that you send this notice in good faith."},
    )

    class Meta:
        model = Notice
        fields = ["category", "explanation", "name", "email"]


class NoticeDecisionForm(forms.Form):
    """A moderator's decision on a notice; its fields are notice_decide's."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=Notice.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the comment is removed or kept."},
    )
    ground = ReaderText(
        label="Ground of the decision (sent to the notifier)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The law or rule applied and the facts that decided it.",
        error_messages={
            "required": "Write the ground of the decision: it is sent to the notifier.",
            "max_length": "Please keep the ground to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
    tell_author = forms.BooleanField(
        label="Send the statement of reasons to the author too, if the comment is removed",
        required=False,
        initial=True,
        help_text="Only to an address its owner confirmed.",
    )
