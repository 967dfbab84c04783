"""reviewsite settings: one module, read from the environment.

With nothing set, the site runs for development on an SQLite file in the project folder.
Every variable is listed in docs/configuration.md; a malformed or unknown one stops start-up with
one line naming it (see reviewsite/env.py).
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from reviewsite import cachebreaker, env, mediastorage

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------------

DEBUG = env.boolean("DJANGO_DEBUG", default=True)

SECRET_KEY = env.string("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        env.fail(
            "DJANGO_SECRET_KEY",
            "is required when DJANGO_DEBUG=0: set it to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").',
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    env.fail("DJANGO_SECRET_KEY", "must be at least 50 random characters when DJANGO_DEBUG=0.")

ALLOWED_HOSTS = env.listing("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env.listing("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env.string("REVIEWSITE_SITE_NAME", "Reviewsite")
SITE_TAGLINE = env.string("REVIEWSITE_SITE_TAGLINE", "Television and film, reviewed")
ADMIN_PATH = env.string("DJANGO_ADMIN_PATH", "admin").strip("/") + "/"
if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*/", ADMIN_PATH):
    env.fail("DJANGO_ADMIN_PATH", "must be a URL path such as admin or staff/desk.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reversion",
    "csp",
    "reviews",
    "polls",
    "comments",
    "follows",
    "frontpage",
    "reviewsite",
]
#: Demo content and accounts (`manage.py load_demo`, `create_demo_accounts`): on for
#: development and tests; REVIEWSITE_DEMO=0 leaves the demo app out of a production site.
if env.boolean("REVIEWSITE_DEMO", default=True):
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "reviewsite.middleware.RequestIdMiddleware",
    # Every purge a request's writes cause, sent as one PURGE per cache (infra/freshness.py).
    "infra.freshness.FreshnessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "reviewsite.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "reviewsite.middleware.RefuseNulMiddleware",
    "reviewsite.middleware.ReaderBodySizeMiddleware",
    # ETag from the content (and Last-Modified where a view sets it): a browser or proxy
    # revalidating an unchanged page, feed or results.json gets a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control and surrogate keys: public for pages new readers share, private else.
    "infra.httpcache.HttpCacheMiddleware",
    # /healthz for probes that name the application's address, not the site's host: with
    # the security headers above, before CommonMiddleware reads the Host header.
    "reviewsite.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After Csrf and Authentication: a review form posted once the session had ended.
    "reviews.middleware.KeepTypedTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "readers.identity.ReaderCookieMiddleware",
    "reviewsite.middleware.ReadableMethodNotAllowedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reviewsite.urls"
WSGI_APPLICATION = "reviewsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviewsite.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------


def _seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds <= 60:
        raise ValueError(value)
    return seconds


def _database(url: str) -> dict:
    config = dj_database_url.parse(url)
    if not config.get("ENGINE"):
        raise ValueError(url)
    return config


_db = env.parsed(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    _database,
    "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name.",
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue on the busy timeout instead of one
    # failing with "database is locked" when it upgrades a read lock.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.integer("DATABASE_BUSY_TIMEOUT", 20, minimum=1),
    }
    # A file, not the in-memory default: threads in the concurrency tests need to
    # share the test database through real connections.
    _db["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a breaker: a 503 at once while the database is down.
    _db["ENGINE"] = "reviewsite.postgresql"
    _db["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not.
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {
        "connect_timeout": env.integer("DATABASE_CONNECT_TIMEOUT", 1, minimum=1),
        # Parameters travel apart from the SQL, so psycopg prepares a statement the site
        # runs often (each page's queries) and PostgreSQL stops re-planning it.
        "server_side_binding": env.boolean("DATABASE_SERVER_SIDE_BINDING", default=True),
    }
    if env.boolean("DATABASE_POOL", default=True):
        # The backend retries a lost database every second (reviewsite/postgresql/base.py).
        # With CONN_HEALTH_CHECKS Django has the pool check each connection it hands out.
        _db["OPTIONS"]["pool"] = {
            "min_size": env.integer("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
            "max_size": env.integer("DATABASE_POOL_MAX_SIZE", 8, minimum=1),
            # Bound the wait for a free connection so a dead database gives a 503
            # quickly instead of a hung request.
            "timeout": env.parsed(
                "DATABASE_POOL_TIMEOUT", "0.5", _seconds, "use seconds, e.g. 0.5 or 2."
            ),
        }
else:
    env.fail("DATABASE_URL", "must name an SQLite file (sqlite:///…) or PostgreSQL (postgres://…).")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------

REDIS_URL = env.url("REDIS_URL", "", ("redis", "rediss", "unix"))
_prefix = env.string("REVIEWSITE_CACHE_PREFIX", "reviewsite")
if REDIS_URL:
    # django-redis keeps one client per pool. A cache is an accelerator: while Redis is
    # unreachable or hangs a read is a miss and a write is skipped (logged), instead of a
    # 500 or a page that waits (reviewsite/cachebreaker.py).
    _cache = cachebreaker.cache_settings(REDIS_URL)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {
    # Rate limits, sessions and anything shared between processes.
    "default": _cache | {"KEY_PREFIX": _prefix, "LOCATION": _cache.get("LOCATION", "default")},
    # Rendered page fragments and rating summaries, keyed by the data's versions, for the
    # pages rendered per reader (returning readers; new readers' pages are in the HTTP
    # cache). REVIEWSITE_FRAGMENT_CACHE=0 turns them off (the benchmark's cold scenario).
    "fragments": (
        _cache | {"KEY_PREFIX": f"{_prefix}-f", "LOCATION": _cache.get("LOCATION", "fragments")}
        if env.boolean("REVIEWSITE_FRAGMENT_CACHE", default=True)
        else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    ),
    # No cache: for a page that must render every fragment afresh (a review's preview of
    # text not saved yet), named in the template's {% cache … using=fragment_cache %}.
    "nowhere": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# --- HTTP cache (Varnish or a CDN; infra/httpcache.py) ------------------------------

#: Base URLs of the HTTP caches to send PURGE requests to, e.g. http://127.0.0.1:6081.
HTTP_CACHES = env.listing("REVIEWSITE_HTTP_CACHES")
if any(not re.fullmatch(r"https?://[^/\s]+/?", base) for base in HTTP_CACHES):
    env.fail("REVIEWSITE_HTTP_CACHES", "must be base URLs such as http://127.0.0.1:6081.")
#: s-maxage of shared pages. Purges keep them exact; this bounds relative dates ("5
#: minutes ago") and a purge that could not be delivered.
HTTP_CACHE_SECONDS = env.duration("REVIEWSITE_HTTP_CACHE_SECONDS", "5m")
HTTP_CACHE_STALE_SECONDS = env.duration("REVIEWSITE_HTTP_CACHE_STALE", "10s")
#: How long a cache may serve a page while the site cannot answer (its grace).
HTTP_CACHE_STALE_IF_ERROR = env.duration("REVIEWSITE_HTTP_CACHE_STALE_IF_ERROR", "6h")
HTTP_CACHE_PURGE_TIMEOUT = 0.5

# Staff sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = env.duration("DJANGO_SESSION_AGE", "12h")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Reader identity, rate limits and proxies -------------------------------------------

#: Anonymous readers are told apart by a random id in this signed cookie.
READER_COOKIE_NAME = "reader"
READER_COOKIE_AGE = env.duration("REVIEWSITE_VOTER_COOKIE_AGE", "730d")
#: Set, for one review's address only, once a reader has commented, reported or reacted
#: there: the ids of those comments, whose actions the HTTP cache then asks of the
#: application for them (varnish/reviewsite.vcl; readers.identity.remember_own_page).
OWN_COOKIE_NAME = "mine"
#: Hints for the HTTP cache, never believed by the application: "voted" (for one review's
#: address) names the answer the reader's vote counted, "named" says they have signed a
#: comment. With them Varnish serves a returning reader's poll and comment form from
#: copies shared by every reader in the same case (varnish/reviewsite.vcl).
VOTED_COOKIE_NAME = "voted"
NAMED_COOKIE_NAME = "named"

#: REMOTE_ADDRs of reverse proxies whose X-Forwarded-For may be believed.
TRUSTED_PROXIES = env.networks("DJANGO_TRUSTED_PROXIES")

RATELIMIT_ENABLE = env.boolean("RATELIMIT_ENABLE", default=True)
#: (requests, seconds) per scope; each is an environment variable "N/period".
RATELIMITS = {
    "vote-ip": env.rate("RATELIMIT_VOTE_IP", "30/10m"),
    # Comments are limited per reader first; the per-IP ceiling is higher, so readers
    # behind one carrier or office address are not blocked together.
    "comment-ip": env.rate("RATELIMIT_COMMENT_IP", "30/10m"),
    "comment-voter": env.rate("RATELIMIT_COMMENT_VOTER", "5/10m"),
    "report-ip": env.rate("RATELIMIT_REPORT_IP", "10/10m"),
    "follow-ip": env.rate("RATELIMIT_FOLLOW_IP", "10/10m"),
    # Reactions are one click each, so more are allowed; the per-IP ceiling is what keeps
    # a script that throws its cookie away each time from inflating counts.
    "reaction-ip": env.rate("RATELIMIT_REACTION_IP", "60/10m"),
    "reaction-reader": env.rate("RATELIMIT_REACTION_READER", "30/10m"),
}

# --- Comments ---------------------------------------------------------------------------

#: Words or phrases (comma-separated) that hold a comment for moderation.
COMMENT_BLOCKLIST = [word.casefold() for word in env.listing("REVIEWSITE_COMMENT_BLOCKLIST")]
#: A post sent sooner than this after the form was shown is refused (spam robots are quick).
COMMENT_MIN_SECONDS = env.integer("REVIEWSITE_COMMENT_MIN_SECONDS", 3)
#: A form older than this (seconds) is refused as expired. It must outlive any cached
#: copy of the page that carries it (s-maxage + stale-while-revalidate + stale-if-error).
COMMENT_FORM_MAX_AGE = max(
    86400, HTTP_CACHE_SECONDS + HTTP_CACHE_STALE_SECONDS + HTTP_CACHE_STALE_IF_ERROR + 3600
)
#: This many open reports from readers hide a comment until a moderator has looked.
COMMENT_REPORT_THRESHOLD = env.integer(
    "REVIEWSITE_COMMENT_REPORT_THRESHOLD", 3, minimum=1, maximum=1000
)

#: Comments close this many days after the review is published (0: never by age).
COMMENTS_CLOSE_AFTER = env.integer("REVIEWSITE_COMMENTS_CLOSE_AFTER", 0, minimum=0)
#: A reader may edit their comment for this many minutes after posting it.
COMMENT_EDIT_MINUTES = env.integer("REVIEWSITE_COMMENT_EDIT_MINUTES", 15, minimum=0)
#: A commenter's comments wait for a moderator until this many of theirs were approved
#: (0: nobody is pre-moderated).
COMMENT_PREMODERATE = env.integer("REVIEWSITE_COMMENT_PREMODERATE", 1, minimum=0, maximum=100)
#: How long a held comment usually waits, as the comment form tells readers ("usually
#: within N hours"): a promise the moderators keep, so set it to what they manage.
COMMENT_REVIEW_HOURS = env.integer("REVIEWSITE_COMMENT_REVIEW_HOURS", 12, minimum=1, maximum=720)
#: The one reaction readers give a comment, as its button reads.
REACTION_LABEL = env.string("REVIEWSITE_REACTION_LABEL", "Respect")[:30] or "Respect"
#: Words or phrases (comma-separated) that refuse a comment outright.
COMMENT_BANNED_WORDS = [word.casefold() for word in env.listing("REVIEWSITE_COMMENT_BANNED_WORDS")]

# --- E-mail and the task queue ----------------------------------------------------------

#: The site's address as links in e-mails spell it (mail has no request to build them from).
#: By default the address make run and make serve listen on (PORT, 8000).
SITE_URL = env.url(
    "REVIEWSITE_SITE_URL",
    f"http://127.0.0.1:{env.integer('PORT', 8000, minimum=1, maximum=65535)}",
    ("http", "https"),
).rstrip("/")
#: The site is served at the root of its origin: the script prefix of every link (pages,
#: cached fragments, e-mail) is this setting, never a request's SCRIPT_NAME, which a
#: client could otherwise choose (gunicorn.conf.py and the VCL drop it as well).
FORCE_SCRIPT_NAME = ""
EMAIL_HOST = env.string("DJANGO_EMAIL_HOST")
EMAIL_PORT = env.integer("DJANGO_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.string("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.string("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.boolean("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.integer("DJANGO_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.string("DJANGO_DEFAULT_FROM_EMAIL", "Reviewsite <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
#: A message the mail server refused or could not take is tried again this many times,
#: waiting MAIL_RETRY_DELAY seconds, then twice that, four times… before it is logged
#: as failed.
MAIL_RETRIES = env.integer("REVIEWSITE_MAIL_RETRIES", 5, minimum=0, maximum=20)
MAIL_RETRY_DELAY = env.duration("REVIEWSITE_MAIL_RETRY_DELAY", "60s")
# Django's Tasks framework (the django-tasks backport): tasks are rows in the site's own
# database, run by `manage.py db_worker` (make run and make serve start one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Following by e-mail (docs/follow.md) -------------------------------------------------

#: A new review goes to its followers at most this many messages a second, in batches of
#: FOLLOW_MAIL_BATCH (one task each, spaced out to keep the rate).
FOLLOW_MAIL_RATE = env.integer("REVIEWSITE_FOLLOW_MAIL_RATE", 20, minimum=1)
FOLLOW_MAIL_BATCH = env.integer("REVIEWSITE_FOLLOW_MAIL_BATCH", 100, minimum=1, maximum=1000)
#: A message claimed this long ago and still not marked sent is taken as lost with its
#: worker and sent again by `manage.py send_follow_mail`.
FOLLOW_MAIL_RECLAIM = env.duration("REVIEWSITE_FOLLOW_MAIL_RECLAIM", "15m")
#: Only reviews first published this recently are announced (a site that starts following
#: does not mail its back catalogue).
FOLLOW_ANNOUNCE_WINDOW = env.duration("REVIEWSITE_FOLLOW_ANNOUNCE_WINDOW", "2d")

# --- Passwords and accounts -------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after this many failed logins for one username from
# one address, that pair is locked out for the cool-off time.
AXES_ENABLED = env.boolean("DJANGO_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.integer("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env.duration("DJANGO_LOGIN_COOLOFF", "15m"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "readers.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not every staff login
AXES_VERBOSE = False

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "en-us"
#: Our dates in Django's own pages too (reviewsite/formats/en/formats.py).
FORMAT_MODULE_PATH = ["reviewsite.formats"]
TIME_ZONE = env.string("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles"))).resolve()
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / "media"))).resolve()
# A folder under MEDIA_ROOT, or an S3-compatible bucket with MEDIA_S3_BUCKET (docs/operations.md).
_default_storage, MEDIA_URL = mediastorage.from_environment()
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from static/ and sees edits at once.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
#: Serve MEDIA_ROOT from Django (make serve); switch off where a proxy serves it. A bucket
#: serves itself.
SERVE_MEDIA = env.boolean("REVIEWSITE_SERVE_MEDIA", default=True) and mediastorage.is_local(
    _default_storage
)

# Uploads: Django refuses request bodies over this size before any view runs.
IMAGE_MAX_BYTES = env.integer("REVIEWSITE_IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
IMAGE_MAX_PIXELS = env.integer("REVIEWSITE_IMAGE_MAX_PIXELS", 40_000_000, minimum=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
#: Outside the admin no request body may be larger (votes, comments and reports are small).
READER_MAX_BODY_BYTES = env.integer("REVIEWSITE_READER_MAX_BODY_BYTES", 100_000, minimum=10_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Forms ------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "reviewsite.views.csrf_failure"
#: Origins photos may come from besides our own (a CDN or bucket in DJANGO_MEDIA_URL).
MEDIA_ORIGINS = (
    ["/".join(MEDIA_URL.split("/")[:3])] if MEDIA_URL.startswith(("http://", "https://")) else []
)
#: Sent by django-csp's middleware on every response, admin and static files included: no
#: inline script and nothing from another origin except photos from the media origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.boolean("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.integer("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.boolean("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.boolean("DJANGO_SECURE_COOKIES", default=False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- Logging ----------------------------------------------------------------------------

# Every line carries the request id; request lines carry no IP, user agent or query.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "reviewsite.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice("DJANGO_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    "loggers": {
        # Django's own console handler (DEBUG only) would print each of its lines a second
        # time beside ours; everything goes through the root handler above instead.
        "django": {"handlers": []},
        "django.server": {"level": "WARNING"},
    },
}

env.refuse_unknown()
