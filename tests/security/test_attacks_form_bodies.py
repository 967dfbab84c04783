"""NUL and control characters, too many fields, and bodies larger than any form sends, in
readers' forms: one table a form. Each row is refused with a page the reader can read,
writes nothing, and is never a 500.

The forms' own refusals (spam traps, lengths, ratings, replies) are beside each feature
(tests/comments/test_refusals.py, test_reports.py); NUL in a URL is in
test_attacks_readers.py; editing one's own comment in test_attacks_own_comment.py, the
moderators' remove form in test_attacks_moderation.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comments.models import Comment
from tests.comments.posting import page_form, post_url, stamp
from tests.factories import make_comment, make_review
from tests.security.hostile import (
    TEXT,
    TOO_LARGE,
    UNREADABLE,
    reader_form,
    written,
)

pytestmark = pytest.mark.django_db

CONTROL = "Remove the control characters (such as NUL) from this text"
NOT_POSTED = "Your comment was not posted"
#: More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) are a 400; a field larger
#: than the reader body limit (REVIEWSITE_READER_MAX_BODY_BYTES) a 413 before it is read.
TOO_MANY_FIELDS = {f"extra{i}": "1" for i in range(1100)}
HUGE = "9" * 3_000_000


def post_form(client, kind: str, changes: dict):
    """Post a reader's form as its page offers it, with changes ({choice} and {comment}
    stand for the first choice's and an existing comment's id)."""
    review = make_review()
    comment = make_comment(review)
    address, data = reader_form(kind, client, review, comment)
    ids = {"choice": review.poll.choices.first().pk, "comment": comment.pk}
    for name, value in changes.items():
        data[name] = value.format(**ids) if isinstance(value, str) and "{" in value else value
    before = written()
    response = client.post(address, data, follow=True)
    assert written() == before
    return response


def refused(response, status: int, *texts: str) -> None:
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    for text in texts:
        assert text in html


# --- The comment form ---------------------------------------------------------------------


def _control(field: str, char: str) -> tuple:
    """A control character inside the name or the body: the message, and the other field
    still filled in."""
    fields = {"name": "Marisol", "body": TEXT}
    kept = fields["body" if field == "name" else "name"]
    fields[field] += char + "tail"
    return fields, 400, (CONTROL, NOT_POSTED, kept)


COMMENT_FORM = {
    **{
        f"{char!r} in the {field}": _control(field, char)
        for field in ("name", "body")
        for char in ("\x00", "\x07", "\x1b", "\x7f", "\x85")
    },
    "NUL in the email": (
        {"email": "m\x00@example.com"},
        400,
        ("Please enter an e-mail address", NOT_POSTED),
    ),
    "NUL after the parent's id": (
        {"parent": "{comment}\x00"},
        400,
        ("Null characters are not allowed.", NOT_POSTED),
    ),
    "NUL after the rating": (
        {"rating": "5\x00"},
        400,
        ("Choose a rating from 1 to 5 stars", NOT_POSTED),
    ),
    "garbage in every field": (
        {
            "name": ["a", "b"],
            "email": "\x00@x",
            "body": "x\x00",
            "rating": ["1", "2"],
            "spoiler": "maybe",
            "parent": "\x00",
            "website": "",
            "stamp": "\x00",
        },
        400,
        (NOT_POSTED,),
    ),
    "too many fields": (TOO_MANY_FIELDS, 400, (UNREADABLE,)),
    "a 3 MB body": ({"body": HUGE}, 413, (TOO_LARGE,)),
}


@pytest.mark.parametrize(
    ("changes", "status", "texts"), COMMENT_FORM.values(), ids=COMMENT_FORM.keys()
)
def test_the_comment_form_refuses(client, changes, status, texts):
    refused(post_form(client, "comment", changes), status, *texts)


@pytest.mark.parametrize("size", [300_000, 6_000_000])
def test_a_file_upload_to_the_comment_url_is_refused_and_not_kept(client, settings, tmp_path, size):
    review = make_review()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = SimpleUploadedFile("film.mp4", b"\0" * size, "video/mp4")
    response = client.post(post_url(review), {"name": "M", "body": TEXT, "file": big})
    refused(response, 413, TOO_LARGE)  # refused before it is read
    assert not Comment.objects.exists()
    assert not list(tmp_path.iterdir())  # the spooled upload is gone
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.mp4")))


def test_a_file_sent_with_a_valid_comment_is_thrown_away(client, settings, tmp_path):
    """Comments take no files: the text is posted, the file kept nowhere. (Nothing in
    Django caps a file part's size; the proxy's client_max_body_size does, README.)"""
    review = make_review()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = page_form(client, review.get_absolute_url())
    data |= {"name": "M", "body": TEXT, "stamp": stamp()}
    data["file"] = SimpleUploadedFile("x.html", b"<script>alert(1)</script>" * 2_000)
    assert client.post(post_url(review), data).status_code == 302
    assert Comment.objects.get().body == TEXT
    assert not list(tmp_path.iterdir())
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.html")))


# --- The poll's vote form -----------------------------------------------------------------

#: A choice the poll does not have: a redirect back to the page, which shows the message.
VOTE_FORM = {
    "NUL as the choice": ({"choice": "\x00"}, 200, ("That answer is not part of this poll",)),
    "NUL after the choice's id": (
        {"choice": "{choice}\x00"},
        200,
        ("That answer is not part of this poll",),
    ),
    "too many fields": (TOO_MANY_FIELDS, 400, (UNREADABLE,)),
    "a 3 MB choice": ({"choice": HUGE}, 413, (TOO_LARGE,)),
}


@pytest.mark.parametrize(("changes", "status", "texts"), VOTE_FORM.values(), ids=VOTE_FORM.keys())
def test_the_vote_form_refuses(client, changes, status, texts):
    refused(post_form(client, "vote", changes), status, *texts)


# --- The report form ----------------------------------------------------------------------

REPORT_FORM = {
    "NUL after the reason": ({"reason": "spam\x00"}, 400, ("Choose one of the reasons listed.",)),
    "NUL in the note": ({"note": "a\x00b"}, 400, (CONTROL,)),
    "too many fields": (TOO_MANY_FIELDS, 400, (UNREADABLE,)),
    "a 3 MB note": ({"note": HUGE}, 413, (TOO_LARGE,)),
}


@pytest.mark.parametrize(
    ("changes", "status", "texts"), REPORT_FORM.values(), ids=REPORT_FORM.keys()
)
def test_the_report_form_refuses(client, changes, status, texts):
    refused(post_form(client, "report", changes), status, *texts)
