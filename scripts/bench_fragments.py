"""What each fragment cache buys: CPU time of the review page with it and without it.

Run `make bench` first: it leaves its seeded database (BENCH_DATABASE_URL) and Redis
(BENCH_REDIS_URL) behind. Each variant runs in a process of its own, in the application
(Django's test client, DEBUG off, the cached template loader), and renders the demo
review page BENCH_PAGES times (default 40) warm, for a returning reader (reader cookie,
has voted) and for a new reader; the variants are run BENCH_ROUNDS times (default 2),
interleaved, and the median CPU milliseconds per page are printed with the ratio to
"all caches on". CPU time, not wall time, so that a busy machine disturbs it less.

    .venv/bin/python scripts/bench_fragments.py            # every variant
    .venv/bin/python scripts/bench_fragments.py masthead   # some
"""

import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEW = "/reviews/ballard-season-1-review/"
#: Fragments cached by a {% cache %} tag: the template that holds each.
TEMPLATED = {
    "review-card": "reviews/review_detail.html",
    "review-ld": "reviews/review_detail.html",
    "review-body": "reviews/review_detail.html",
    "review-onward": "reviews/review_detail.html",
    "review-comments": "comments/includes/comment_list.html",
}
#: Caches read in Python: the module whose `caches` stands for them.
IN_CODE = {"masthead": "reviews.templatetags.reviews_tags", "rating": "reviews.models"}
VARIANTS = ["all caches on", *TEMPLATED, *IN_CODE]


def without(variant: str, folder: Path) -> None:
    """Point the template engine or the module at no cache for this variant."""
    from django.core.cache.backends.dummy import DummyCache
    from django.template import engines

    if variant in TEMPLATED:
        name = TEMPLATED[variant]
        text = (ROOT / "templates" / name).read_text()
        start = re.search(r"\{% cache \d+ " + re.escape(variant) + r" [^%]*%\}", text)
        end = text.index("{% endcache %}", start.end())
        text = text[: start.start()] + text[start.end() : end] + text[end + 14 :]
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
        engine = engines["django"].engine
        engine.dirs = [str(folder), *engine.dirs]
        for loader in engine.template_loaders:
            loader.reset()
    elif variant in IN_CODE:

        class NoCache(dict):
            def __getitem__(self, name):
                return DummyCache("", {})

        __import__(IN_CODE[variant], fromlist=["caches"]).caches = NoCache()


def measure(variant: str) -> dict:
    """In the child process: CPU ms per page for a returning and a new reader."""
    import django

    django.setup()
    from django.test import Client

    from polls.models import Choice

    with tempfile.TemporaryDirectory() as folder:
        without(variant, Path(folder))
        returning = Client()
        choice = Choice.objects.filter(poll__review__slug=REVIEW.split("/")[2]).first()
        returning.post(
            f"{REVIEW}poll/vote/", {"choice": choice.pk}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        pages = int(os.environ.get("BENCH_PAGES", "40"))
        result = {}
        for label, client in (("returning", returning), ("new", Client())):
            for _ in range(3):
                client.get(REVIEW)
            started = time.process_time()
            for _ in range(pages):
                assert client.get(REVIEW).status_code == 200
            result[label] = (time.process_time() - started) / pages * 1000
    return result


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(measure(sys.argv[2])))
        return 0
    variants = ["all caches on", *(sys.argv[1:] or VARIANTS[1:])]
    static = tempfile.mkdtemp(prefix="bench-static-")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_LOG_LEVEL": "WARNING",
        "RATELIMIT_ENABLE": "0",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reviewsite_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    for _ in range(int(os.environ.get("BENCH_ROUNDS", "2"))):
        for variant in variants:
            out = subprocess.run(
                [sys.executable, __file__, "--child", variant],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[variant].append(json.loads(out.strip().splitlines()[-1]))
    base = {k: statistics.median(r[k] for r in runs["all caches on"]) for k in ("returning", "new")}
    print(f"\n{'without':<20} {'returning ms':>13} {'x':>6} {'new reader ms':>14} {'x':>6}")
    for variant, rows in runs.items():
        ret = statistics.median(r["returning"] for r in rows)
        new = statistics.median(r["new"] for r in rows)
        print(
            f"{variant:<20} {ret:>13.1f} {ret / base['returning']:>6.2f} "
            f"{new:>14.1f} {new / base['new']:>6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
