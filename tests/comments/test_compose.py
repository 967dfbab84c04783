"""The comments area reads first: the form waits behind "Write a comment" once there is
something to read, opens by itself when it has something to show, remembers the reader's
name, and a moderator's controls fold into one "Moderate" per comment."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from reviewsite.roles import MODERATORS
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user

pytestmark = pytest.mark.django_db

CLOSED = '<details class="comment-compose" id="write-comment">'
OPEN = '<details class="comment-compose" id="write-comment" open>'


def section(client, review, **params) -> str:
    html = client.get(review.get_absolute_url(), params).content.decode()
    return html[html.index('id="comments"') :]


def test_with_comments_to_read_the_form_waits_behind_a_prompt(client):
    review = make_review()
    make_comment(review, body="The cold cases work.")
    html = section(client, review)
    assert CLOSED in html and "<summary" in html.split(CLOSED)[1].split("<form")[0]
    assert "Write a comment</summary>" in html
    assert 'name="body"' in html  # the form is there, for a click, without JavaScript


def test_with_nothing_to_read_yet_the_form_is_open(client):
    assert OPEN in section(client, make_review())


def test_a_refused_comment_comes_back_with_the_form_open_and_the_text_kept(client):
    review = make_review()
    make_comment(review)
    response = post(client, review, body="", name="Marisol")  # no text: refused
    html = response.content.decode()
    assert OPEN in html and 'value="Marisol"' in html


def test_reply_puts_the_form_under_the_comment_answered(client):
    review = make_review()
    parent, other = make_comment(review, name="Tom"), make_comment(review, name="Ann")
    first = section(client, review)
    assert f'reply_to={parent.pk}#comment-form">Reply' in first  # the form, under the comment
    html = section(client, review, reply_to=parent.pk)
    assert html.count('id="comment-form"') == 1 and "comment-compose" not in html
    answered = html.split(f'id="comment-{parent.pk}"')[1].split("</article>")[0]
    assert 'id="comment-form"' in answered and "Replying to <strong>Tom</strong>" in answered
    assert (
        'id="comment-form"' not in html.split(f'id="comment-{other.pk}"')[1].split("</article>")[0]
    )
    assert "Write a new comment instead" in html


def test_a_refused_reply_comes_back_under_the_comment_it_answers(client):
    review = make_review()
    parent = make_comment(review, name="Tom")
    response = post(
        client, review, page_url=f"{review.get_absolute_url()}?reply_to={parent.pk}", body=""
    )
    html = response.content.decode()
    answered = html.split(f'id="comment-{parent.pk}"')[1].split("</article>")[0]
    assert 'id="comment-form"' in answered and "comment-form__errors" in answered


def test_the_reader_finds_their_name_again_on_their_next_comment(client):
    first, second = make_review(), make_review()
    post(client, first, name="Marisol P.")
    assert Comment.objects.get().name == "Marisol P."
    assert 'name="name" value="Marisol P."' in section(client, second)
    assert 'value="Marisol P."' not in section(Client(), second)  # nobody else's page


def test_the_rating_thank_you_is_not_an_error(client):
    review = make_review()
    post(client, review, rating="4")
    html = section(client, review)
    thanks = re.search(r'<p class="comment-form__rated">(.*?)</p>', html, re.S)
    assert thanks and "You rated this review 4 stars" in thanks.group(1)
    assert "alert-danger" not in html and 'role="alert"' not in html


def test_each_comment_has_one_moderate_disclosure_holding_its_controls(client):
    review = make_review()
    for n in range(3):
        make_comment(review, name=f"Reader {n}")
    client.force_login(make_user("mod", groups=[MODERATORS], is_staff=True))
    html = section(client, review)
    disclosures = html.split('<details class="comment__moderate">')[1:]
    assert len(disclosures) == 3
    for part in disclosures:
        controls = part.split("</details>")[0]
        assert "<summary>Moderate" in controls and ">Remove</button>" in controls


def test_after_moderating_the_page_returns_with_that_comments_controls_open(client):
    review = make_review()
    target, other = make_comment(review, name="Spammer"), make_comment(review, name="Kind")
    client.force_login(make_user("mod", groups=[MODERATORS], is_staff=True))
    response = client.post(f"/comments/{target.pk}/remove/", {"reason": "spam"}, follow=True)
    html = response.content.decode()
    mine = html.split(f'id="comment-{target.pk}"')[1].split("</article>")[0]
    theirs = html.split(f'id="comment-{other.pk}"')[1].split("</article>")[0]
    assert '<details class="comment__moderate" open>' in mine and ">Restore</button>" in mine
    assert '<details class="comment__moderate">' in theirs


def test_a_held_comments_name_is_offered_back_to_its_author_only(client, settings):
    settings.COMMENT_PREMODERATE = 1  # a newcomer's first comment waits
    review = make_review()
    post(client, review, name="First Timer")
    assert Comment.objects.get().status == "pending"
    assert 'name="name" value="First Timer"' in section(client, make_review())
    assert 'value="First Timer"' not in section(Client(), make_review())


def test_a_removed_comments_name_is_not_offered_back(client):
    review = make_review()
    post(client, review, name="Rude Name")
    Comment.objects.update(status=Comment.Status.REMOVED)
    assert 'value="Rude Name"' not in section(client, make_review())
