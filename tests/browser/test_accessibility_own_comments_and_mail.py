"""axe-core finds no WCAG 2.2 AA (or best-practice) violation on the pages of a reader's own
comments and e-mails: their comment with Edit and Delete, the edit and delete pages and
their refusals, the e-mail link pages, the closed comments line, the ban page and the
alerts page."""

import pytest
from django.urls import reverse

from comments import mail
from comments.models import Comment
from reviewsite.roles import MODERATORS
from tests.factories import make_comment, make_review, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough password 1"


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_readers_own_comment_pages_have_no_axe_violations(live_server, page, axe, settings):
    settings.COMMENT_MIN_SECONDS = 0
    base = live_server.url
    review = make_review()
    make_comment(review, name="Dev", body="Someone else’s comment.")
    page.goto(base + review.get_absolute_url())
    page.get_by_text("Write a comment", exact=True).click()  # the form waits behind it
    page.fill("#id_name", "Marisol")
    page.fill("#id_email", "marisol@example.com")
    page.check("#id_notify_replies")
    page.fill("#id_body", "My own comment.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector(".comment__own")
    assert axe(page) == [], "own comment with Edit and Delete, confirmation sent"

    mine = Comment.objects.get(body="My own comment.")
    with page.expect_navigation():  # axe on the page it opens, not on one being left
        page.get_by_role("link", name="Edit your comment").click()
    assert axe(page) == [], "edit page"
    page.fill("#id_body", "")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector(".invalid-feedback")
    assert axe(page) == [], "edit page, text missing"
    page.fill("#id_body", "My own comment, edited.")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector(".comment__edited")
    assert axe(page) == [], "edited comment"

    page.goto(base + reverse("comments:delete", args=[mine.pk]))
    assert axe(page) == [], "delete page"
    page.get_by_role("button", name="Delete my comment").click()
    page.wait_for_url(f"**{review.get_absolute_url()}#comments")
    assert axe(page) == [], "comment deleted"
    page.goto(base + reverse("comments:edit", args=[mine.pk]))
    assert axe(page) == [], "edit refused"

    for url, what in [
        (mail.confirm_url("marisol@example.com"), "confirm page"),
        (mail.unsubscribe_url("marisol@example.com", mine.pk), "unsubscribe page"),
        ("/comments/mail/confirm/broken/", "bad link"),
    ]:
        page.goto(base + (path_of(url) if "://" in url else url))
        assert axe(page) == [], what
    page.goto(base + path_of(mail.unsubscribe_url("marisol@example.com", mine.pk)))
    with page.expect_navigation():
        page.get_by_role("button", name="Stop all reply e-mails").click()
    assert axe(page) == [], "unsubscribed"

    review.comments_closed = True
    review.save()
    page.goto(base + review.get_absolute_url())
    assert page.get_by_text("Comments are closed on this review.").is_visible()
    assert axe(page) == [], "comments closed"


def test_ban_and_alert_pages_have_no_axe_violations(live_server, page, axe):
    base = live_server.url
    comment = make_comment(make_review(), name="Troll", body="Rude words.")
    make_user("mod", groups=[MODERATORS], is_staff=True, password=PASSWORD, email="m@example.com")
    page.goto(f"{base}/admin/login/?next=/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(base + reverse("comments:ban", args=[comment.pk]))
    assert axe(page) == [], "ban page"
    page.get_by_role("button", name="Ban author").click()
    page.wait_for_selector(".invalid-feedback")
    assert axe(page) == [], "ban page, no reason"
    page.goto(base + reverse("comments:alerts"))
    assert axe(page) == [], "alerts page"
    page.get_by_label("An e-mail for each comment").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".message--success, .alert-success, [role=status]")
    assert axe(page) == [], "alerts saved"


def test_sorted_picked_badged_and_reported_states_have_no_axe_violations(live_server, page, axe):
    from reviewsite.roles import EDITORS

    base = live_server.url
    review = make_review()
    pick = make_comment(review, name="Picked", rating=5, pinned=True)
    make_comment(review, name="Staffer", parent=pick, by_staff=True, body="Thanks!")
    rude = make_comment(review, name="Rude", body="Rude words.")
    page.goto(base + reverse("comments:report", args=[rude.pk]))
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_selector(".comment__reported")
    assert axe(page) == [], "editor's pick, staff badge, reported, sort links"
    page.goto(base + review.get_absolute_url() + "?sort=best")
    assert axe(page) == [], "sorted by best"
    make_user("ed", groups=[EDITORS], is_staff=True, password=PASSWORD)
    page.goto(f"{base}/admin/login/?next=/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(base + review.get_absolute_url())
    assert page.get_by_role("button", name="Unpin Picked’s comment").is_visible()
    assert axe(page) == [], "editor's pin buttons"
