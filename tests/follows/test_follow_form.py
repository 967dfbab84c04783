"""The follow form: on the series hub, the author page, the review page and /newsletter/;
posting it sends one confirmation (through the real SMTP server and worker), stores no
follow until the link is opened, and leaves the shared pages shared."""

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from comments.models import MailAddress
from follows import links
from follows.models import Follow, Follower
from reviews.models import Series, critic_url
from tests.factories import give_name, make_comment, make_review, make_user
from tests.follows.following import confirm, follow
from tests.forms import element, form_data
from tests.mailserver import run_worker
from tests.servers import purge_recorder
from tests.site.test_shared_pages import assert_shared

SAME = {"HTTP_SEC_FETCH_SITE": "same-origin"}
LONG_ADDRESS = "a" * 250 + "@example.com"  # 262 characters


@pytest.fixture
def ballard(db):
    series = Series.objects.create(name="Ballard")
    critic = give_name(make_user("eddie"), "Eddie Marsh")
    return make_review(
        series=series,
        author=critic,
        published_at=timezone.now() - timedelta(days=30),
    )


def pages(review) -> dict[str, str]:
    return {
        "series hub": review.series.get_absolute_url(),
        "author page": critic_url(review.author),
        "review page": review.get_absolute_url(),
        "newsletter": "/newsletter/",
    }


class TestTheForm:
    def test_every_page_has_a_post_form_with_email_and_a_follow_button(self, ballard):
        for name, url in pages(ballard).items():
            html = Client().get(url).content.decode()
            data = form_data(html, "follow-form")
            assert 'id="follow-form"' in html and 'method="post"' in html, name
            assert "email" in data or 'name="email"' in html, name
            assert '<button type="submit" class="btn">Follow</button>' in html, name

    def test_the_series_hub_offers_this_series_or_everything_each_or_weekly(self, ballard):
        html = Client().get(ballard.series.get_absolute_url()).content.decode()
        assert "This series: Ballard" in html and "Everything we review" in html
        assert "Each new review" in html and "Weekly digest" in html

    def test_the_author_page_offers_this_critic(self, ballard):
        html = Client().get(pages(ballard)["author page"]).content.decode()
        assert "This critic: Eddie Marsh" in html

    def test_the_footer_links_the_newsletter(self, ballard):
        html = Client().get("/").content.decode()
        assert '<a href="/newsletter/">Newsletter</a>' in html

    def test_pages_with_the_form_stay_shared_and_the_newsletter_is_shared_too(self, ballard):
        for url in pages(ballard).values():
            assert_shared(Client().get(url))


class TestPostingIt:
    def test_a_follow_answers_with_a_redirect_to_thanks_and_no_cookie(self, ballard):
        response = follow(Client(), "/newsletter/", "ana@example.com")
        assert response.status_code == 302 and response["Location"] == "/follow/thanks/"
        assert not response.cookies
        assert_shared(Client().get("/follow/thanks/"))

    @pytest.mark.parametrize(
        ("page", "what", "back"),
        [
            ("series hub", "series", "Back to Ballard"),
            ("author page", "critic", "Back to Eddie Marsh’s reviews"),
            ("review page", "site", "Back to Ballard"),
            ("newsletter", "site", "Back to the latest reviews"),
        ],
    )
    def test_the_thank_you_page_leads_back_to_what_was_followed(self, ballard, page, what, back):
        browser = Client()
        response = follow(browser, pages(ballard)[page], "ana@example.com", what=what)
        thanks = browser.get(response["Location"])
        assert thanks.status_code == 200
        link = {
            "Back to Ballard": ballard.series.get_absolute_url(),
            "Back to Eddie Marsh’s reviews": critic_url(ballard.author),
            "Back to the latest reviews": "/",
        }[back]
        assert f'<a href="{link}">{back}</a>' in thanks.content.decode()
        assert "at most three confirmations a day" in thanks.content.decode()
        assert_shared(thanks)

    @pytest.mark.django_db(transaction=True)
    def test_renaming_the_series_renews_the_thank_you_page_that_names_it(self, ballard, superuser):
        thanks = Client().get(f"/follow/thanks/?series={ballard.series.slug}")
        with purge_recorder() as cache, override_settings(HTTP_CACHES=[cache.url]):
            admin = Client()
            admin.force_login(superuser)
            url = reverse("admin:reviews_series_change", args=[ballard.series.pk])
            data = form_data(admin.get(url).content.decode(), "series_form")
            assert admin.post(url, data | {"name": "Ballard (2025)"}).status_code == 302
            purged = set().union(*cache.keys())
        assert set(thanks["xkey"].split()) & purged
        html = Client().get(f"/follow/thanks/?series={ballard.series.slug}").content.decode()
        assert "Back to Ballard (2025)" in html

    def test_a_thank_you_page_naming_nothing_known_leads_home(self, ballard):
        html = Client().get("/follow/thanks/?series=no-such&critic=x").content.decode()
        assert '<a href="/">Back to the latest reviews</a>' in html

    def test_nothing_is_stored_about_the_follow_before_confirmation(self, ballard):
        follow(Client(), ballard.series.get_absolute_url(), "ana@example.com", what="series")
        assert not Follow.objects.exists() and not Follower.objects.exists()
        assert MailAddress.objects.get(email="ana@example.com").confirmed_at is None

    @pytest.mark.parametrize("page", ["series hub", "author page"])
    def test_a_bad_address_from_a_series_or_critic_page_keeps_what_it_was_for(
        self, ballard, smtp, page
    ):
        browser = Client()
        what = "series" if page == "series hub" else "critic"
        response = follow(browser, pages(ballard)[page], "ana@example", what=what)
        assert response.status_code == 400
        html = response.content.decode()
        named = "the series Ballard" if what == "series" else "reviews by Eddie Marsh"
        assert f'<h1 class="page-title">Follow {named}</h1>' in html
        assert "eddie" not in html  # the critic is named by id, never by login name
        data = form_data(html, "follow-form") | {"email": "ana@example.com"}
        again = browser.post("/follow/", data, HTTP_SEC_FETCH_SITE="same-origin")
        assert again.status_code == 302, again.content.decode()
        run_worker(smtp)
        assert named in smtp.messages_to("ana@example.com")[-1].part("text/plain")

    def test_the_honeypot_refuses_and_stores_nothing(self, ballard):
        response = follow(Client(), "/newsletter/", "bot@example.com", website="http://spam")
        assert response.status_code == 400
        assert "hidden anti-spam field" in response.content.decode()
        assert not MailAddress.objects.exists()

    def test_a_series_choice_without_a_series_is_refused(self, ballard):
        response = follow(Client(), "/newsletter/", "ana@example.com", what="series")
        assert response.status_code == 400
        assert "Choose a series to follow from its page." in response.content.decode()


def what_labels(html: str) -> list[str]:
    """The "What" choices the follow form shows, as a reader reads them."""
    return re.findall(r'<input type="radio" name="what"[^>]*> ([^<]+)</label>', html)


class TestARefusedForm:
    """A refused form is the page's form again: what was wrong marked beside it, in our own
    words, with what the reader typed and chose kept and nothing stored."""

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("foo@", "Please enter an e-mail address like name@example.com."),
            ("not an address", "Please enter an e-mail address like name@example.com."),
            ("", "Enter your e-mail address."),
            (LONG_ADDRESS, "An e-mail address is at most 254 characters."),
        ],
    )
    def test_a_refused_address_is_marked_beside_the_field_in_plain_words(
        self, ballard, typed, message
    ):
        response = follow(Client(), ballard.series.get_absolute_url(), typed)
        assert response.status_code == 400
        html = response.content.decode()
        field, _ = element(html, "follow-email")
        assert field["value"] == typed
        assert field["aria-invalid"] == "true" and "is-invalid" in field["class"].split()
        note, text = element(html, field["aria-describedby"])
        assert "invalid-feedback" in note["class"].split()  # the comment form's error style
        assert text == message
        assert "This field is required" not in html and "Ensure this value" not in html
        assert not MailAddress.objects.exists()

    @pytest.mark.parametrize(
        ("page", "what", "heading"),
        [
            ("series hub", "site", "Follow the series Ballard"),
            ("series hub", "series", "Follow the series Ballard"),
            ("author page", "site", "Follow reviews by Eddie Marsh"),
            ("review page", "critic", "Follow reviews by Eddie Marsh"),
            ("review page", "site", "Follow the series Ballard"),
        ],
    )
    def test_a_refused_form_keeps_the_page_it_came_from_and_what_was_chosen(
        self, ballard, page, what, heading
    ):
        browser = Client()
        offered = what_labels(browser.get(pages(ballard)[page]).content.decode())
        response = follow(browser, pages(ballard)[page], "foo@", what=what, frequency="weekly")
        assert response.status_code == 400
        html = response.content.decode()
        assert f'<h1 class="page-title">{heading}</h1>' in html
        assert what_labels(html) == offered
        sent = form_data(html, "follow-form")
        assert (sent["what"], sent["frequency"]) == (what, "weekly")
        again = browser.post("/follow/", sent | {"email": "ana@example.com"}, **SAME)
        assert again.status_code == 302

    def test_a_bad_address_sent_from_the_newsletter_is_marked_there(self, ballard):
        response = follow(Client(), "/newsletter/", "not an address")
        assert response.status_code == 400
        html = response.content.decode()
        assert '<h1 class="page-title">Newsletter</h1>' in html
        _, text = element(html, "follow-email-error")
        assert text == "Please enter an e-mail address like name@example.com."
        assert element(html, "follow-email")[0]["value"] == "not an address"


class TestConfirmation:
    def test_a_series_and_a_critic_followed_the_same_day_each_get_their_link(self, smtp):
        review = make_review(
            series=Series.objects.create(name="Ballard"),
            author=give_name(make_user("dana"), "Dana Whitfield"),
        )
        follow(Client(), review.series.get_absolute_url(), "ana@example.com", what="series")
        run_worker(smtp)
        (message,) = smtp.messages_to("ana@example.com")
        assert message.message["Subject"].startswith("Confirm: follow the series Ballard")
        confirm(smtp, "ana@example.com")
        # Later the same day, a critic: a second link (it once waited until the next day
        # while the thanks page said it was on its way).
        follow(Client(), critic_url(review.author), "ana@example.com", what="critic")
        run_worker(smtp)
        assert len(smtp.messages_to("ana@example.com")) == 2
        confirm(smtp, "ana@example.com")
        kinds = {(f.kind, f.series_id, f.critic_id) for f in Follow.objects.all()}
        assert kinds == {
            (Follow.Kind.SERIES, review.series_id, None),
            (Follow.Kind.CRITIC, None, review.author_id),
        }
        # One confirmation covers reply e-mails too.
        assert MailAddress.objects.active().filter(email="ana@example.com").exists()

    def test_unsubscribing_from_everything_stops_reply_mail_and_following_again_works_at_once(
        self, smtp
    ):
        review = make_review()
        follow(Client(), "/newsletter/", "ana@example.com")
        run_worker(smtp)
        confirm(smtp, "ana@example.com")
        mine = make_comment(review, email="ana@example.com", notify_replies=True)
        unsubscribe = "/" + links.unsubscribe_url("ana@example.com").split("/", 3)[3]
        Client().post(unsubscribe, **SAME)  # the button every follow mail links to
        mine.refresh_from_db()
        assert not mine.notify_replies  # "everything" includes reply e-mails
        assert not MailAddress.objects.active().filter(email="ana@example.com").exists()
        follow(Client(), "/newsletter/", "ana@example.com")
        run_worker(smtp)
        assert len(smtp.messages_to("ana@example.com")) == 2  # not tomorrow: now

    def test_a_confirm_link_opened_again_says_it_is_done(self, smtp):
        make_review()
        follow(Client(), "/newsletter/", "ana@example.com")
        run_worker(smtp)
        message = smtp.messages_to("ana@example.com")[-1]
        path = (
            "/follow/confirm/" + message.part("text/plain").split("/follow/confirm/")[1].split()[0]
        )
        assert "Yes, follow" in Client().get(path).content.decode()
        confirm(smtp, "ana@example.com")
        again = Client().get(path).content.decode()
        assert "a•••@example.com already follows" in again and "Yes, follow" not in again

    def test_a_weekly_choice_is_kept(self, smtp):
        make_review()
        follow(Client(), "/newsletter/", "wk@example.com", frequency="weekly")
        run_worker(smtp)
        confirm(smtp, "wk@example.com")
        assert Follow.objects.get().frequency == Follow.Frequency.WEEKLY
