"""Settings for bigsoc: one module, driven by environment variables.

Every variable is listed in `.env.example`. Development defaults are safe; with DEBUG off the
site refuses to start without a SECRET_KEY and ALLOWED_HOSTS, and turns on HTTPS hardening
unless HTTPS=0 says it is served over plain HTTP on a private network or loopback.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_str
from core.release import source_digest

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    "core",
    "posts",
    "wiki",
    "search",
    "community",
    "accounts",
    "importer",
    "api",
    "dumps",
]

MIDDLEWARE = [
    # Outermost: a HEAD answer loses the body every layer below may have written.
    "core.middleware.head_without_body",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that can answer or fail on its own (a NUL in the address, the page
    # cache, a session store that is down): every response, error pages included, gets them.
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Inside the policy: with DEBUG, the site's 404 page instead of Django's inline-styled one.
    "core.middleware.styled_not_found_in_development",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.reject_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Chooses the request's replica (with DATABASE_REPLICA_URLS) and, after a write, keeps the
    # primary's WAL position in a cookie: outside the page cache, whose writes it must see.
    "core.replicas.ReplicaMiddleware",
    # Before the session: a page served from the cache needs no session, user or view.
    "core.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After CSRF and authentication: refuses a blocked account's writes (community/middleware.py).
    "community.middleware.BlockedAccountMiddleware",
    # A 404 at an imported post's original permalink path answers 301 to its page here.
    "posts.middleware.OldPermalinkMiddleware",
    # Last, as django-axes asks: it turns a lockout into the friendly lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses logins for locked-out accounts and addresses before checking.
AUTHENTICATION_BACKENDS = [
    "core.auth.LoginThrottleBackend",
    "core.auth.UserBackend",
]

ROOT_URLCONF = "bigsoc.urls"
WSGI_APPLICATION = "bigsoc.wsgi.application"

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
                "core.context_processors.canonical_url",
                "core.cache.fragments",
                "community.context_processors.user_block",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or an embedded PostgreSQL in a git-ignored folder -------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    from core.embedded_db import embedded_database

    DATABASES = {"default": {**embedded_database(BASE_DIR), "CONN_MAX_AGE": 60}}
# Check a kept connection before each request, so the site recovers when PostgreSQL restarts.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT: our queries are short, and compiling one costs more than it saves (PostgreSQL turns JIT
# on for any plan whose estimated cost passes 100,000, e.g. a count over a large topic).
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Lets core.prepared prepare its statements (search's ranking): psycopg prepares nothing while
# this is None, Django's default. The ORM is unaffected: its cursors bind on the client and are
# never prepared.
_options.setdefault("prepare_threshold", 5)
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("bigsoc runs on PostgreSQL only: DATABASE_URL must be postgres://")
# Read replicas (docs/scaling.md): `replica1`, `replica2` … beside the primary, chosen per request
# by core.replicas (read-your-writes by WAL position); tests read them as the primary (MIRROR).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: {_url!r} is not a postgres:// URL")
    _replica["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer is skipped after 2 s, not waited for.
    _replica["OPTIONS"] = {**_replica.get("OPTIONS", {}), "options": "-c jit=off",
                           "connect_timeout": 2, "prepare_threshold": 5}  # fmt: skip
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10)
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"] if len(DATABASES) > 1 else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, otherwise a table in the one database ---------------
# The table's size is chosen for the page cache, not left at Django's 300 entries: past its
# MAX_ENTRIES every write deletes 1/CULL_FREQUENCY of the table (expired entries first, then by
# key, which is a hash: no page is favoured), so with 300, 200 post pages and their fragments
# never stayed cached (figures: docs/performance.md). 20,000 entries hold thousands of pages
# plus their fragments and figures (a page is 6-40 KB: at most ~0.5 GB of table); culling a
# tenth, not a third, keeps most of a working set that reaches the limit. Each write counts the
# rows (Django's own check), a few milliseconds at this size and only on a miss.
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "bigsoc_cache",
    "OPTIONS": {
        "MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000),
        "CULL_FREQUENCY": 10,
    },
}
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to PostgreSQL: fast reads, and a Redis
    # restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": DATABASE_CACHE}
    # Django's database sessions, read with a fixed statement instead of a compiled ORM query.
    SESSION_ENGINE = "core.sessions"

# The release running (core/release.py): cached pages and kept fragments are keyed by it, so a
# deploy never serves HTML the previous code rendered. A deploy sets RELEASE (its commit, say);
# otherwise it is a digest of the source, read once per process.
RELEASE = env_str("RELEASE") or source_digest(
    BASE_DIR, ["bigsoc", "core", "posts", "importer", "wiki", "accounts", "search", "community",
               "api", "dumps", "templates", "static"],
)  # fmt: skip

# Anonymous readers' pages live this long in the shared cache at most; every write makes them
# stale at once anyway (core/cache.py). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
if not PAGE_CACHE_SECONDS:
    # Kept fragments (`{% cache page_cache_seconds … %}`) are off with it: Django's cache tag
    # looks in "template_fragments" first, and storing a fragment that expires at once cost an
    # uncached search four cache round trips and the pickling of its whole content.
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
else:
    # Kept fragments are HTML of one release, as cached pages are (core/release.py).
    CACHES["template_fragments"] = {**CACHES["default"], "KEY_PREFIX": f"release-{RELEASE}"}

# The CDN in front (docs/caching.md): where each changed dependency key is purged, by the worker
# (core.purges). Set, anonymous pages say `Cache-Control: public, s-maxage=CDN_SECONDS`; unset,
# `no-cache` (no shared cache may keep a page nobody would purge).
CDN_PURGE_URL = env_str("CDN_PURGE_URL", "")
CDN_PURGE_KIND = env_str("CDN_PURGE_KIND", "")  # "varnish" or "fastly"; guessed from the URL
CDN_PURGE_TOKEN = env_str("CDN_PURGE_TOKEN", "")  # Fastly's API token
CDN_SECONDS = env_int("CDN_SECONDS", 86_400)
# How long a save may wait for its own purges (sent in parallel) before leaving them to the
# worker: what makes an edit show through the CDN on the very next request.
CDN_PURGE_WAIT_MS = env_int("CDN_PURGE_WAIT_MS", 250)
if CDN_PURGE_KIND not in ("", "varnish", "fastly"):
    raise ImproperlyConfigured(f"CDN_PURGE_KIND={CDN_PURGE_KIND!r}: use varnish or fastly")

# `make bench` only: mounts /bench/ceiling/, a minimal 6 KB view. Never in production.
BENCH_CEILING = env_bool("BENCH_CEILING", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: whitenoise serves hashed, compressed copies made by collectstatic ---------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- HTTPS: on by default with DEBUG off; HTTPS=0 for plain HTTP on a private network --------
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the health check over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy, this header tells Django the original request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token), so scripts need not see it.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# New volunteers may sign up at /accounts/signup/ unless SIGNUP_ENABLED=0.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", True)

# --- Failed-login throttling (django-axes): per account and, separately, per address ------------
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The lock-out page says what was locked: this account, or this address (accounts.lockout).
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Proxies (load balancer, CDN) between the visitor and gunicorn: with PROXY_COUNT set, the
# visitor's address is read from X-Forwarded-For, so throttling counts per visitor, not per
# balancer. 0 (the default) trusts REMOTE_ADDR alone.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.auth.client_address"

# --- Request size: the largest form the site must read whole ----------------------------------
# An edit's text may hold 200,000 characters (wiki.forms.EditForm); a browser sends each as up to
# 12 bytes (4 bytes of UTF-8, each percent-encoded), 2.4 MB. Django's default 2.5 MiB then leaves
# little room: a text over its limit but under this one gets the form's own "too long" message
# with the text still in the editor, rather than a bare 400 that loses it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# --- Sign-ups and password resets: at most N per window, "attempts/seconds", counted per network
# address and (resets) per account, in the shared cache (core.ratelimit.spend_attempt).
SIGNUP_RATE = env_str("SIGNUP_RATE", "5/3600")
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "3/3600")

# --- Wiki edits: at most N saves per person per window, "saves/seconds" ---------------------------
WIKI_EDIT_RATE = env_str("WIKI_EDIT_RATE", "30/600")

# --- Email (password resets, watchlist notifications) ---------------------------------------------
# EMAIL_BACKEND picks Django's backend by its dotted path; with EMAIL_FILE_PATH (and no backend
# named) mail is written as files there, for a check or a staging site. Otherwise SMTP when
# EMAIL_HOST is set, else the console.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
if EMAIL_FILE_PATH:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
elif EMAIL_HOST:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    _DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "") or _DEFAULT_EMAIL_BACKEND
# The site's own address, for links in e-mails (they are read outside any request). Unset, it is
# the development server's: PORT is the port `make run PORT=8300` serves on (docs/running.md).
SITE_URL = env_str("SITE_URL", "") or f"http://127.0.0.1:{env_int('PORT', 8000)}"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bigsoc <noreply@localhost>")

# The importer reads every archive in this folder unless told otherwise.
SEEDS_DIR = BASE_DIR / "seeds"

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "core.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
