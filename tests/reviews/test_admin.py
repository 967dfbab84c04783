"""Staff write, illustrate and publish reviews in the admin with real form posts."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from reviews.models import Review, Section
from reviewsite.roles import EDITORS
from tests.factories import give_name, image_bytes, make_review, upload
from tests.forms import form_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/reviews/review/add/"


def form_options(html: str, name: str) -> dict[str, str]:
    """The choices of the <select name=…>: value → the text an editor reads."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return {
        value: text.strip()
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    }


def filled_add_form(client, **overrides):
    """The admin's add-review form as an editor would fill it in."""
    data = form_data(client.get(ADD_URL).content.decode(), form_id="review_form")
    data.update(
        {
            "headline": "‘Slow Horses’ Season 5 Review: Still the Best Spy Show on TV",
            "slug": "slow-horses-season-5-review",
            "standfirst": "Jackson Lamb’s misfits get their sharpest case yet.",
            "work_title": "SLOW HORSES",
            "work_kind": "season",
            "season_number": "5",
            "verdict": "Essential viewing",
            "score": "9",
            "sections-TOTAL_FORMS": "2",
            "sections-0-order": "1",
            "sections-0-heading": "",
            "sections-0-body": "The intro paragraph names the show.",
            "sections-1-order": "2",
            "sections-1-heading": "The Cast Is the Show",
            "sections-1-body": "Gary Oldman is *magnificent*.",
            "figures-TOTAL_FORMS": "1",
            "figures-0-position": "0",
            "figures-0-order": "1",
            "figures-0-alt_text": "Two men argue in a cluttered office.",
            "figures-0-caption": "Gary Oldman (Jackson Lamb) in SLOW HORSES.",
            "figures-0-credit": "Apple TV+",
            "figures-0-image": upload("lead.jpg"),
            "credits-TOTAL_FORMS": "1",
            "credits-0-kind": "cast",
            "credits-0-person": "Gary Oldman",
            "credits-0-role": "Jackson Lamb",
        }
    )
    data.update(overrides)
    return data


class TestEditorWritesAndPublishes:
    def test_editor_writes_illustrates_and_publishes_a_review(self, client, editor, settings):
        give_name(editor)
        client.force_login(editor)
        response = client.post(ADD_URL, filled_add_form(client))
        assert response.status_code == 302, response.content.decode()[:3000]
        review = Review.objects.get(slug="slow-horses-season-5-review")
        assert review.status == Review.Status.DRAFT
        assert review.author == editor
        assert [s.heading for s in review.sections.all()] == ["", "The Cast Is the Show"]
        figure = review.figures.get()
        assert figure.width == 1600 and len(figure.renditions) == 3
        assert client.get(review.get_absolute_url()).status_code == 404  # still a draft

        response = client.post(
            "/admin/reviews/review/",
            {"action": "publish_selected", "_selected_action": [review.pk]},
        )
        assert response.status_code == 302
        client.logout()
        page = client.get(review.get_absolute_url()).content.decode()
        assert "Still the Best Spy Show on TV" in page
        assert "<em>magnificent</em>" in page
        assert "Gary Oldman (Jackson Lamb) in SLOW HORSES." in page and "Apple TV+" in page
        assert review.headline in client.get("/").content.decode()

    def test_publishing_from_the_form_with_no_time_publishes_now(self, client, editor):
        give_name(editor)
        client.force_login(editor)
        data = filled_add_form(client, status="published", published_at_0="", published_at_1="")
        response = client.post(ADD_URL, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        review = Review.objects.get(slug="slow-horses-season-5-review")
        assert review.is_live
        assert "Still the Best Spy Show on TV" in client.get("/").content.decode()

    def test_slug_help_shows_what_an_address_looks_like(self, client, editor):
        client.force_login(editor)
        html = client.get(ADD_URL).content.decode()
        assert "as in /reviews/ballard-season-1-review/." in html

    def test_editor_picks_the_author_by_name_from_the_staff_who_write(
        self, client, editor, writer, moderator
    ):
        from django.contrib.auth import get_user_model

        writer.first_name, writer.last_name = "Dana", "Whitfield"
        writer.save()
        get_user_model().objects.create_user("a-reader")
        client.force_login(editor)
        html = client.get(ADD_URL).content.decode()
        authors = form_options(html, "author")
        assert authors[str(writer.pk)] == f"Dana Whitfield ({writer.username})"
        assert editor.username in authors.values()
        assert "a-reader" not in authors.values()  # readers' accounts are not offered
        assert str(moderator.pk) not in authors  # moderators write no reviews
        assert "/admin/auth/user/" not in html  # no lookup an editor may not open
        response = client.post(ADD_URL, filled_add_form(client, author=str(writer.pk)))
        assert response.status_code == 302
        assert Review.objects.get().byline == "Dana Whitfield"

    def test_new_sections_left_at_order_zero_follow_in_typed_order(self, client, editor):
        client.force_login(editor)
        data = filled_add_form(client, **{"sections-0-order": "0", "sections-1-order": "0"})
        assert client.post(ADD_URL, data).status_code == 302
        review = Review.objects.get(slug="slow-horses-season-5-review")
        assert [s.order for s in review.sections.all()] == [1, 2]
        assert review.sections.first().heading == ""

    def test_two_lead_photos_are_refused_with_a_message(self, client, editor):
        client.force_login(editor)
        data = filled_add_form(
            client,
            **{
                "figures-TOTAL_FORMS": "2",
                "figures-1-position": "0",
                "figures-1-order": "2",
                "figures-1-alt_text": "Another photo",
                "figures-1-image": upload("second.jpg", image_bytes(colour=(1, 2, 3))),
            },
        )
        response = client.post(ADD_URL, data)
        assert response.status_code == 200
        assert "Only one photo can be the lead" in response.content.decode()
        assert not Review.objects.exists() and not Section.objects.exists()

    def test_bulk_unpublish_hides_reviews(self, client, editor):
        review = make_review()
        client.force_login(editor)
        client.post(
            "/admin/reviews/review/",
            {"action": "unpublish_selected", "_selected_action": [review.pk]},
        )
        assert client.get(review.get_absolute_url()).status_code == 404

    def test_view_on_site_of_a_draft_opens_the_staff_preview(self, client, editor):
        review = make_review(published=False)
        client.force_login(editor)
        change_page = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        assert review.get_preview_url() in change_page

    def test_changelist_shows_status_and_scheduled_reviews(self, client, editor):
        from datetime import timedelta

        from django.utils import timezone

        make_review(headline="Due later", published_at=timezone.now() + timedelta(days=1))
        client.force_login(editor)
        html = client.get("/admin/reviews/review/").content.decode()
        assert "Due later" in html and "Scheduled" in html


class TestRoles:
    def test_editors_hold_every_review_right_and_on_comments_only_the_editors_pick(self):
        held = set(Group.objects.get(name=EDITORS).permissions.all())
        assert set(Permission.objects.filter(content_type__app_label="reviews")) <= held
        on_comments = {p.codename for p in held if p.content_type.app_label == "comments"}
        assert on_comments == {"pin_comment"}
        assert {p.content_type.app_label for p in held} <= {
            "reviews",
            "polls",
            "comments",
            "follows",
            "frontpage",  # the front page's lead and picks, and the footer's pages
        }
        on_follows = {p.codename for p in held if p.content_type.app_label == "follows"}
        # They decide whether a review is e-mailed and see followers; no export.
        assert on_follows == {
            "add_mailing",
            "change_mailing",
            "view_mailing",
            "view_follower",
            "view_follow",
        }

    @pytest.mark.parametrize(
        "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
    )
    def test_editor_cannot_open_users_or_groups(self, client, editor, url):
        client.force_login(editor)
        assert client.get(url).status_code == 403

    def test_moderators_group_exists(self):
        assert Group.objects.filter(name="Moderators").exists()
