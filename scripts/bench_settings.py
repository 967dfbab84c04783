"""make bench's settings for the servers it measures: the site's own, with the URLs of
scripts/bench_urls.py, which add the framework's ceiling page to the site's."""

import os

from reviewsite.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"

if os.environ.get("BENCH_BREAKER") == "0":
    # To measure what the breaker costs: Django's own PostgreSQL backend, without the
    # breaker of reviewsite/postgresql (`BENCH_BREAKER=0 make bench`).
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
