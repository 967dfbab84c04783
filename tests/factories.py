"""Plain helpers that build test rows; each takes overrides as keyword arguments."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image

from infra import freshness
from polls.models import Choice, Vote
from reviews.models import Credit, Figure, Review, Section

_numbers = itertools.count(1)


def make_user(username=None, *, groups=(), password="correct horse battery", **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_numbers)}", password=password, **fields
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def give_name(user, display_name="Eddie Marsh", **fields):
    """A critic profile with a display name, which an account needs before it publishes."""
    from reviews.models import Profile

    Profile.objects.update_or_create(user=user, defaults={"display_name": display_name, **fields})
    return user


def image_bytes(fmt="JPEG", size=(1600, 900), colour=(40, 90, 140), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save_options)
    return out.getvalue()


def upload(name="photo.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)


def make_review(*, sections=2, published=True, **fields) -> Review:
    n = next(_numbers)
    defaults = {
        "headline": f"Review number {n}",
        "slug": f"review-{n}",
        "standfirst": f"The standfirst of review {n}.",
        "work_title": f"SHOW {n}",
        "season_number": 1,
        "verdict": "Worth a watch",
    }
    if published:
        defaults |= {
            "status": Review.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=n),
        }
    review = Review.objects.create(**(defaults | fields))
    for order in range(1, sections + 1):
        Section.objects.create(
            review=review,
            order=order,
            heading="" if order == 1 else f"Section heading {order}",
            body=f"Paragraph one of section {order}.\n\nParagraph two of section {order}.",
        )
    saved_by_an_editor(review)
    return review


def saved_by_an_editor(review) -> None:
    """What the review admin's save does once its rows are saved: the search text, and
    the freshness event that refreshes the review's pages."""
    review.refresh_search_document()
    freshness.review_changed(review)


def make_figure(review, *, position=0, size=(1600, 900), **fields) -> Figure:
    defaults = {
        "alt_text": "A woman in a business suit sits at a table, holding a file.",
        "caption": "Maggie Q (Renée Ballard) in BALLARD.",
        "credit": "Tyler Golden/Prime Video",
    }
    figure = Figure.objects.create(
        review=review,
        position=position,
        image=upload(content=image_bytes(size=size, colour=(next(_numbers) % 255, 80, 120))),
        **(defaults | fields),
    )
    freshness.review_changed(review)
    return figure


def make_credit(review, person="Maggie Q", role="Renée Ballard", **fields) -> Credit:
    credit = Credit.objects.create(review=review, person=person, role=role, **fields)
    saved_by_an_editor(review)
    return credit


def make_comment(review, *, name="Marisol", body="A fine season.", **fields):
    """A published comment; pass rating=, parent=, status=, created_at=, reader=… to vary it."""
    from comments.models import Comment

    defaults = {"reader": f"a:test{next(_numbers)}"}
    comment = Comment.objects.create(review=review, name=name, body=body, **(defaults | fields))
    freshness.comments_changed(review)  # as comments.services does
    return comment


def make_votes(poll, counts: dict[str, int], *, prefix="seed") -> None:
    """Store votes straight away: {"Yes": 3, "No": 1} by made-up distinct readers."""
    choices = {choice.text: choice for choice in poll.choices.all()}
    Vote.objects.bulk_create(
        Vote(poll=poll, choice=choices[text], voter=f"a:{prefix}-{text}-{n}")
        for text, count in counts.items()
        for n in range(count)
    )
    for text, count in counts.items():  # as vote_cast does, one vote at a time
        Choice.objects.filter(pk=choices[text].pk).update(vote_count=F("vote_count") + count)
