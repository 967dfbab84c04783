"""An admin save of the demo review, through a real Varnish in front of a real gunicorn,
sends exactly one PURGE to each cache, whether nothing changed or every section did, and
a new reader sees the edit within a second."""

import re
import shutil
from contextlib import ExitStack

import pytest
import requests

from reviews.models import Review
from tests.conftest import require
from tests.factories import make_user
from tests.forms import form_data
from tests.servers import (
    app_server,
    free_port,
    log_in,
    purge_recorder,
    shared_database_env,
    varnish_server,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = "ballard-season-1-review"


@pytest.fixture
def site(load_demo, production_env, settings):
    """(Varnish's URL, the recording second cache, an editor's session on the app)."""
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    load_demo()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user("ed", password="an editor's long password", groups=["Editors"], is_staff=True)
    with ExitStack() as stack:
        recorder = stack.enter_context(purge_recorder())
        app_port, cache_port = free_port(), free_port()
        cache = stack.enter_context(varnish_server(app_port, port=cache_port))
        env = production_env | shared_database_env() | {"RATELIMIT_ENABLE": "0"}
        env |= {"REVIEWSITE_HTTP_CACHES": f"{cache.url},{recorder.url}"}
        stack.enter_context(app_server(env, port=app_port))
        wait_until(lambda: requests.get(cache.url + "/healthz", timeout=2).status_code == 200, 10)
        yield cache.url, recorder, log_in(cache.url, "ed", "an editor's long password")


def admin_save(base: str, editor: requests.Session, review: Review, **changes) -> None:
    url = f"{base}/admin/reviews/review/{review.pk}/change/"
    data = form_data(editor.get(url, timeout=30).text, form_id="review_form") | changes
    saved = editor.post(url, data=data, headers={"Referer": url}, timeout=60)
    assert saved.status_code == 200 and "was changed successfully" in saved.text, saved.text[:3000]


def test_an_admin_save_of_the_demo_review_is_one_purge_per_cache(site):
    base, recorder, editor = site
    review = Review.objects.get(slug=DEMO)
    sections = list(review.sections.all())
    assert len(sections) == 8 and review.figures.count() == 3 and review.credits.exists()
    page = base + review.get_absolute_url()
    assert requests.get(page, timeout=10).status_code == 200  # cached for new readers
    recorder.purges.clear()

    admin_save(base, editor, review)
    assert recorder.keys() == [{f"review-{review.pk}", "listing"}]

    data = form_data(
        editor.get(f"{base}/admin/reviews/review/{review.pk}/change/", timeout=30).text,
        form_id="review_form",
    )
    edited = {
        name: f"{value} Edited."
        for name, value in data.items()
        if re.fullmatch(r"sections-\d+-body", name) and value  # not the empty extra form
    }
    assert len(edited) == len(sections)
    admin_save(base, editor, review, **edited)
    assert len(recorder.purges) == 2 and recorder.keys()[1] == {f"review-{review.pk}", "listing"}
    # Varnish had the same PURGE: a new reader sees the edit.
    assert wait_until(lambda: "Edited." in requests.get(page, timeout=10).text, 1.0)
    assert Review.objects.get(pk=review.pk).search_document.count("Edited.") == len(sections)
