"""Demo content and demo accounts: `manage.py load_demo` and `create_demo_accounts`."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from demo.content import BALLARD_SLUG
from reviews.models import Figure, Review
from reviewsite.roles import WRITERS

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_reference_review_and_is_idempotent(client):
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)
    assert Review.objects.filter(episode__isnull=True).count() == 5  # and three recaps
    ballard = Review.objects.get(slug=BALLARD_SLUG)
    assert ballard.is_live
    sections = list(ballard.sections.all())
    assert sections[0].heading == "" and sum(1 for s in sections if s.heading) >= 5
    figures = list(ballard.figures.all())
    assert len(figures) == 3 and figures[0].position == 0
    assert all(f.alt_text and f.caption and f.credit for f in figures)
    assert ballard.credits.filter(person="Maggie Q", role="Renée Ballard").exists()
    page = client.get(f"/reviews/{BALLARD_SLUG}/").content.decode()
    assert "Maggie Q (Renée Ballard) in BALLARD." in page and "Tyler Golden/Prime Video" in page
    assert Figure.objects.count() == 7


def test_demo_accounts_are_created_once_with_roles_and_printed_passwords(tmp_path, capsys):
    secrets_file = tmp_path / "accounts"
    call_command("create_demo_accounts", file=str(secrets_file))
    first = capsys.readouterr().out
    call_command("create_demo_accounts", file=str(secrets_file))
    second = capsys.readouterr().out
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert [g.name for g in users["editor"].groups.all()] == ["Editors"]
    assert [g.name for g in users["moderator"].groups.all()] == ["Moderators"]
    kept = secrets_file.read_text()
    for line in kept.splitlines():
        username, password = line.split()[:2]
        assert users[username].check_password(password)
        assert password in first and password not in second
    assert "already exist" in second


def test_create_demo_accounts_adds_a_writer(tmp_path):
    accounts = tmp_path / "accounts"
    call_command("create_demo_accounts", file=str(accounts), stdout=io.StringIO())
    text = accounts.read_text()
    assert text.startswith("admin") and "\nwriter " in text
    writer = Group.objects.get(name=WRITERS).user_set.get()
    assert writer.username == "writer" and writer.is_staff and not writer.is_superuser
    assert not writer.has_perm("reviews.publish_review")


def test_every_season_on_the_demo_series_page_says_its_year(client, load_demo):
    load_demo()
    html = client.get("/series/ballard/").content.decode()
    kickers = re.findall(r'<p class="kicker">(Season \d+[^<]*(?:<time[^>]*>\d{4}</time>)?)', html)
    assert len(kickers) == 2 and all("<time" in kicker for kicker in kickers), kickers


def test_the_demo_privacy_page_says_what_comments_and_follows_keep(client, load_demo):
    load_demo()
    text = client.get("/privacy/").content.decode()
    assert "erased after 30 days" in text  # a comment's internet address and browser
    assert "Following by e-mail keeps your address" in text
    assert "an e-mail address only if you ask for replies" not in text  # it was not so
