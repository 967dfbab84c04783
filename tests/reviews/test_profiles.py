"""Critics with names: staff edit their own profile; byline, author page, feeds, JSON-LD use it."""

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from reviews.models import Profile, Review
from tests.factories import image_bytes, make_review, make_user, upload
from tests.forms import form_data
from tests.reviews.editing import open_form, save

pytestmark = pytest.mark.django_db

MINE = "/admin/reviews/profile/mine/"


def my_profile_form(client) -> tuple[str, dict]:
    response = client.get(MINE, follow=True)
    assert response.status_code == 200
    url = response.redirect_chain[-1][0]
    return url, form_data(response.content.decode(), form_id="profile_form")


def test_every_admin_page_links_to_my_profile(client, moderator):
    client.force_login(moderator)
    assert (
        'href="/admin/reviews/profile/mine/">My profile</a>'
        in client.get("/admin/").content.decode()
    )


def test_critic_names_themselves_and_every_reader_page_uses_it(client, editor):
    review = make_review(author=editor, headline="Ballard review")
    reader = Client()
    assert "By editor" in re.sub(
        r"<[^>]+>", "", reader.get(review.get_absolute_url()).content.decode()
    )
    client.force_login(editor)
    url, data = my_profile_form(client)
    data |= {"display_name": "  Dana   Whitfield ", "bio": "Dana has written about TV since 2009."}
    response = client.post(url, data, follow=True)
    assert "Your profile is saved." in response.content.decode()
    assert Profile.objects.get(user=editor).display_name == "Dana Whitfield"

    page = reader.get(review.get_absolute_url()).content.decode()
    assert ">Dana Whitfield</a>" in page  # the byline, through the page's caches
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert ld["author"] == {"@type": "Person", "name": "Dana Whitfield"}
    author_page = reader.get("/authors/dana-whitfield/").content.decode()
    old_address = reader.get("/authors/editor/")  # by login name: moved for good
    assert old_address.status_code == 301
    assert old_address["Location"] == "/authors/dana-whitfield/"
    assert "Reviews by Dana Whitfield" in author_page
    assert "Dana has written about TV since 2009." in author_page
    assert "Dana Whitfield" in reader.get("/feed/").content.decode()
    assert "Dana Whitfield" in reader.get("/").content.decode()


def test_portrait_needs_a_description_and_shows_on_the_author_page(client, editor):
    make_review(author=editor)
    client.force_login(editor)
    url, data = my_profile_form(client)
    refused = client.post(url, data | {"display_name": "Dana", "portrait": upload("me.jpg")})
    assert refused.status_code == 200
    assert "Say what the portrait shows" in refused.content.decode()
    assert 'value="Dana"' in refused.content.decode()
    response = client.post(
        url,
        data
        | {
            "display_name": "Dana",
            "portrait": upload("me.jpg", image_bytes(size=(900, 900))),
            "portrait_alt": "Dana, smiling, in front of a bookshelf",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=editor)
    assert profile.portrait.name.startswith("figures/") and profile.portrait_renditions
    page = Client().get("/authors/dana/").content.decode()
    assert f'src="{profile.portrait_url}" alt="Dana, smiling, in front of a bookshelf"' in page
    call_command("media_orphans", "--delete", "--min-age", "0", stdout=io.StringIO())
    assert all(default_storage.exists(name) for name in profile.file_names())


def test_a_file_that_is_not_a_photo_is_refused_keeping_the_typed_text(client, editor):
    client.force_login(editor)
    url, data = my_profile_form(client)
    bad = upload("me.jpg", b"<svg onload=alert(1)>", "image/jpeg")
    response = client.post(
        url, data | {"display_name": "Dana", "bio": "My bio", "portrait": bad, "portrait_alt": "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and re.search(r">\s*My bio</textarea>", html)
    assert not Profile.objects.get(user=editor).portrait


def test_an_over_long_bio_is_refused_with_a_message(client, editor):
    client.force_login(editor)
    url, data = my_profile_form(client)
    response = client.post(url, data | {"bio": "x" * 601})
    assert response.status_code == 200 and "at most 600 characters" in response.content.decode()


def test_staff_cannot_open_or_change_someone_elses_profile(client, editor, moderator):
    other = Profile.objects.create(user=editor, display_name="Eddie")
    client.force_login(moderator)
    url = f"/admin/reviews/profile/{other.pk}/change/"
    assert client.get(url).status_code == 302  # not found for them
    client.post(url, {"display_name": "Hijacked"})
    other.refresh_from_db()
    assert other.display_name == "Eddie"
    assert client.get("/admin/reviews/profile/").status_code == 403  # Critics: editors only
    assert (
        "Reviews"
        not in re.sub(r"<[^>]+>", " ", client.get("/admin/").content.decode()).split("My profile")[
            1
        ]
    )


def test_readers_cannot_reach_profiles(client, reader):
    client.force_login(reader)
    assert client.get(MINE).status_code == 302  # to the admin login


class TestAskedForANameBeforeTheFirstPublish:
    def test_the_form_refuses_to_publish_under_a_login_name(self, client):
        editor = make_user("newcomer", groups=["Editors"], is_staff=True)
        review = make_review(published=False, author=editor)
        client.force_login(editor)
        data = open_form(client, review) | {"status": "published", "headline": "Typed headline"}
        response = save(client, review, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "The byline would read “newcomer”" in html and "My profile" in html
        assert 'value="Typed headline"' in html
        review.refresh_from_db()
        assert review.status == Review.Status.DRAFT

        Profile.objects.create(user=editor, display_name="Noor Haddad")
        assert save(client, review, status="published", _publish_anyway="1").status_code == 302
        review.refresh_from_db()
        assert review.is_live

    def test_the_list_action_skips_reviews_by_unnamed_accounts(self, client, editor):
        unnamed = make_user("unnamed", is_staff=True)
        review = make_review(published=False, author=unnamed)
        client.force_login(editor)
        response = client.post(
            "/admin/reviews/review/",
            {"action": "publish_selected", "_selected_action": [review.pk]},
            follow=True,
        )
        html = response.content.decode()
        assert "The byline would read “unnamed”" in html
        # Who can fix it, and a link to where the editor publishing can.
        assert "you or any editor can" in html
        assert f'href="/admin/reviews/profile/critic/{unnamed.pk}/"' in html
        review.refresh_from_db()
        assert review.status == Review.Status.DRAFT

    def test_a_full_name_is_a_name_too(self, client, editor):
        named = make_user("named", is_staff=True, first_name="Ada", last_name="Quill")
        review = make_review(published=False, author=named)
        client.force_login(editor)
        client.post(
            "/admin/reviews/review/",
            {"action": "publish_selected", "_selected_action": [review.pk]},
        )
        review.refresh_from_db()
        assert review.is_live and review.byline == "Ada Quill"
