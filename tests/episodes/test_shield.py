"""The spoiler shield: ?upto=N folds what comes after episode N, on a public URL."""

import pytest

from comments.models import Comment
from tests.comments.posting import page_form, post, post_url, stamp
from tests.episodes.seasons import make_season
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

FOLDED_2 = "<strong>Episode 2</strong> — you haven’t watched this yet"


@pytest.fixture
def season():
    return make_season(episodes=3, recapped=(1, 2, 3))


class TestEpisodeLists:
    @pytest.mark.parametrize("page", ["season", "hub"])
    def test_upto_folds_later_episodes_and_hides_their_titles(self, client, season, page):
        review, _episodes, recaps = season
        url = review.get_absolute_url() if page == "season" else review.series.get_absolute_url()
        html = client.get(f"{url}?upto=1").content.decode()
        assert FOLDED_2 in html
        assert "Chapter 2" not in html and "Chapter 3" not in html
        assert recaps[2].get_absolute_url() not in html
        assert f'href="{recaps[1].get_absolute_url()}?upto=1">Episode 1</a>' in html
        assert "Chapter 2" in client.get(url).content.decode()

    def test_folded_episodes_have_no_grades_in_the_arc(self, client, season):
        review, _episodes, _recaps = season
        html = client.get(f"{review.get_absolute_url()}?upto=2").content.decode()
        assert "Folded: you haven’t watched this yet" in html
        assert html.count('class="arc__dot arc__dot--critic"') == 2

    @pytest.mark.parametrize("junk", ["0", "-1", "abc", "1e3", "99999", ""])
    def test_nonsense_folds_nothing(self, client, season, junk):
        review, _episodes, _recaps = season
        response = client.get(f"{review.get_absolute_url()}?upto={junk}")
        assert response.status_code == 200
        assert "you haven’t watched this yet" not in response.content.decode()

    def test_the_shielded_page_is_shared_like_any_other(self, client, season):
        review, _episodes, _recaps = season
        response = client.get(f"{review.get_absolute_url()}?upto=1")
        assert "public" in response["Cache-Control"]
        assert "Set-Cookie" not in response

    def test_the_form_is_a_get_form_naming_upto(self, client, season):
        review, _episodes, _recaps = season
        html = client.get(review.get_absolute_url()).content.decode()
        form = html[html.index('<form class="shield"') :]
        form = form[: form.index("</form>")]
        assert 'method="get"' in form and 'name="upto"' in form
        assert "I’m up to episode" in form


class TestRecap:
    def test_the_next_recap_is_folded_past_upto(self, client, season):
        _review, _episodes, recaps = season
        html = client.get(f"{recaps[1].get_absolute_url()}?upto=1").content.decode()
        assert "Episode 2 — you haven’t watched this yet" in html
        assert "Chapter 2" not in html

    def test_a_recap_past_upto_is_folded_until_the_reader_chooses_to_read_it(self, client, season):
        review, _episodes, recaps = season
        make_comment(recaps[2], body="The second chapter ends on a cliff.")
        response = client.get(f"{recaps[2].get_absolute_url()}?upto=1")
        html = response.content.decode()
        assert response.status_code == 200 and "public" in response["Cache-Control"]
        assert "you’re up to episode 1" in html
        for spoiler in ("Chapter 2", recaps[2].headline, recaps[2].standfirst, "a cliff"):
            assert spoiler not in html, spoiler
        assert f'href="{recaps[2].get_absolute_url()}?upto=">Read it anyway</a>' in html
        assert (
            f'href="{recaps[1].get_absolute_url()}?upto=1">Back to the recap of episode 1' in html
        )
        assert f'href="{review.get_absolute_url()}?upto=1#episodes"' in html
        # Up to the episode itself, or with no shield, the recap is there.
        for url in (
            f"{recaps[2].get_absolute_url()}?upto=2",
            f"{recaps[2].get_absolute_url()}?upto=",
        ):
            assert recaps[2].headline in client.get(url).content.decode()


class TestTaggedComments:
    def test_a_comment_past_upto_is_folded_behind_its_episode(self, client, season):
        review, _episodes, _recaps = season
        make_comment(review, body="What a twist in the finale.", episode_number=3)
        html = client.get(f"{review.get_absolute_url()}?upto=2").content.decode()
        assert "<summary>Contains spoilers for episode 3</summary>" in html
        plain = client.get(review.get_absolute_url()).content.decode()
        assert "Contains spoilers for episode 3" not in plain
        assert "What a twist in the finale." in plain

    def test_a_comment_up_to_upto_is_not_folded(self, client, season):
        review, _episodes, _recaps = season
        make_comment(review, body="The pilot was slow.", episode_number=1)
        html = client.get(f"{review.get_absolute_url()}?upto=2").content.decode()
        assert "Contains spoilers for episode" not in html

    def test_a_reader_tags_their_comment_with_an_episode(self, client, season):
        review, _episodes, _recaps = season
        response = post(client, review, episode_number="2")
        assert response.status_code == 302
        assert Comment.objects.get().episode_number == 2

    def test_the_form_offers_the_seasons_episodes(self, client, season):
        review, _episodes, _recaps = season
        html = client.get(review.get_absolute_url()).content.decode()
        assert '<option value="3">Episode 3</option>' in html
        assert "Discusses episode (optional)" in html


class TestTheShieldFollowsTheReader:
    """Links from a shielded page keep the shield, and nothing on it quotes what it folds."""

    def test_sort_reply_and_season_links_keep_upto(self, client, season):
        review, _episodes, _recaps = season
        comment = make_comment(review, body="Slow start.", episode_number=1)
        make_comment(review, name="Ana", body="Loved it.")  # two, so the sort links show
        html = client.get(f"{review.get_absolute_url()}?upto=2").content.decode()
        url = review.get_absolute_url()
        assert f'href="{url}?upto=2&amp;sort=best#comments"' in html
        assert f'href="{url}?upto=2#comments"' in html  # Newest, the default order
        assert f'href="{url}?upto=2&amp;reply_to={comment.pk}#comment-form"' in html
        assert f'href="{review.series.get_absolute_url()}?upto=2"' in html
        hub = client.get(f"{review.series.get_absolute_url()}?upto=2").content.decode()
        assert f'href="{url}?upto=2"' in hub
        plain = client.get(url).content.decode()
        assert "upto=" not in plain.split('id="comments"', 1)[1]

    def test_the_pages_of_comments_keep_upto(self, client, season, monkeypatch):
        review, _episodes, _recaps = season
        monkeypatch.setattr("comments.section.COMMENTS_PER_PAGE", 2)
        for n in range(3):
            make_comment(review, name=f"Reader {n}", body=f"Thought {n}.")
        url = review.get_absolute_url()
        first = client.get(f"{url}?upto=2").content.decode()
        assert f'href="{url}?upto=2&amp;comments=2#comments"' in first
        second = client.get(f"{url}?upto=2&comments=2").content.decode()
        assert f'href="{url}?upto=2#comments"' in second

    @pytest.mark.parametrize("how", ["episode", "spoiler"])
    def test_the_reply_form_does_not_quote_a_folded_comment(self, client, season, how):
        review, _episodes, _recaps = season
        fields = {"episode_number": 3} if how == "episode" else {"spoiler": True}
        comment = make_comment(review, name="Marcus", body="The captain did it.", **fields)
        html = client.get(f"{review.get_absolute_url()}?upto=2&reply_to={comment.pk}")
        html = html.content.decode()
        replying = html[html.index('class="comment-form__replying"') :].split("</p>", 1)[0]
        assert "Marcus" in replying and "not quoted here" in replying
        assert "The captain did it." not in replying

    def test_a_reply_is_folded_with_the_comment_it_answers(self, client, season):
        review, _episodes, _recaps = season
        parent = make_comment(review, body="Episode three's ending!", episode_number=3)
        make_comment(review, parent=parent, body="The captain was the mole all along.")
        html = client.get(f"{review.get_absolute_url()}?upto=2").content.decode()
        assert "<summary>Answers a comment on episode 3</summary>" in html
        reply = html.split("<summary>Answers a comment on episode 3</summary>", 1)[1]
        assert reply.split("</details>", 1)[0].count("The captain was the mole") == 1
        plain = client.get(review.get_absolute_url()).content.decode()
        assert "Answers a comment on episode" not in plain

    def test_a_comments_own_actions_fragment_keeps_upto_in_its_reply_link(self, client, season):
        # What a cache that assembles ESI includes under each comment (comments:actions).
        review, _episodes, _recaps = season
        comment = make_comment(review, body="Slow start.", episode_number=1)
        html = client.get(f"/comments/{comment.pk}/actions/?upto=2").content.decode()
        assert f"?upto=2&amp;reply_to={comment.pk}#comment-form" in html

    def test_posting_from_a_shielded_page_comes_back_shielded(self, client, season):
        review, _episodes, _recaps = season
        make_comment(review, name="Marcus", body="The captain did it.", episode_number=3)
        url = f"{review.get_absolute_url()}?upto=2"
        html = client.get(url).content.decode()
        assert f'action="{post_url(review)}?upto=2#comment-form"' in html
        data = page_form(client, url) | {"stamp": stamp(4), "name": "Ana", "body": "Slow."}
        posted = client.post(f"{post_url(review)}?upto=2", data, REMOTE_ADDR="203.0.113.7")
        assert posted.status_code == 302 and "upto=2" in posted["Location"]
        back = client.get(posted["Location"]).content.decode()
        assert "<summary>Contains spoilers for episode 3</summary>" in back
        # Refused (no words, no stars), the page it comes back as is shielded too.
        data |= {"body": "", "stamp": stamp(4)}
        refused = client.post(f"{post_url(review)}?upto=2", data, REMOTE_ADDR="203.0.113.7")
        assert refused.status_code == 400
        assert "<summary>Contains spoilers for episode 3</summary>" in refused.content.decode()

    def test_rating_without_words_from_a_shielded_page_comes_back_shielded(self, client, season):
        review, _episodes, _recaps = season
        make_comment(review, name="Marcus", body="The captain did it.", episode_number=3)
        url = f"{review.get_absolute_url()}?upto=2"
        rate = f"/reviews/{review.slug}/rating/?upto=2"
        assert f'action="{rate}"' in client.get(url).content.decode()
        rated = client.post(rate, {"rating": "4"}, REMOTE_ADDR="203.0.113.8")
        assert rated.status_code == 302 and rated["Location"].count("upto=2") == 1
        back = client.get(rated["Location"]).content.decode()
        assert "your rating of 4 stars is saved" in back
        assert "<summary>Contains spoilers for episode 3</summary>" in back
        # Stars and no words in the comment form are a rating alone too: shielded once.
        data = page_form(client, url) | {"stamp": stamp(4), "name": "Ana", "rating": "3"}
        changed = client.post(f"{post_url(review)}?upto=2", data, REMOTE_ADDR="203.0.113.8")
        assert changed.status_code == 302 and changed["Location"].count("upto=2") == 1
        assert (
            "your rating of 3 stars is changed" in client.get(changed["Location"]).content.decode()
        )
