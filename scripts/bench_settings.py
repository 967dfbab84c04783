"""make bench's settings for the servers it measures: the site's own, with the URLs of
scripts/bench_urls.py, which add the framework's ceiling page to the site's."""

from reviewsite.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"
