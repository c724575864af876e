"""ScraperSky settings: every value comes from an environment variable (see .env.example)."""

import os
from pathlib import Path
from urllib.request import getproxies_environment

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """The variable's value; unset or empty means the default (as in .env.example)."""
    return os.environ.get(name) or default


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The fallback only suits a local run; `check --deploy` flags it, and production sets one.
SECRET_KEY = env("SECRET_KEY") or "django-insecure-local-development-key-set-SECRET_KEY"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "curation",
    "pages",
    "contacts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "scrapersky.urls"
WSGI_APPLICATION = "scrapersky.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# PostgreSQL in production and tests. With no DATABASE_URL a local SQLite file keeps
# `make run` working on a machine with nothing installed (WAL and a busy timeout so that
# the web process and the worker can share it).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters travel apart from the SQL (PostgreSQL binds them): psycopg then skips
    # formatting each query text in Python, which was a tenth of a busy worker's time.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    # Each test run may name its own database (parallel runs on one server never collide).
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# gunicorn serves the admin's static files itself (whitenoise): no separate web server needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Security (check --deploy is clean when DEBUG is off and these are given) --------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- The page-curation queue (SPEC section 3) ---------------------------------------------
PAGE_CURATION_SCHEDULER_INTERVAL_MINUTES = envint("PAGE_CURATION_SCHEDULER_INTERVAL_MINUTES", 1)
PAGE_CURATION_SCHEDULER_BATCH_SIZE = envint("PAGE_CURATION_SCHEDULER_BATCH_SIZE", 10)
PAGE_CURATION_SCHEDULER_MAX_INSTANCES = envint("PAGE_CURATION_SCHEDULER_MAX_INSTANCES", 1)
PAGE_PROCESSING_MAX_ATTEMPTS = envint("PAGE_PROCESSING_MAX_ATTEMPTS", 3)
# A page Processing for longer than this is taken to belong to a dead worker.
PAGE_PROCESSING_LEASE_SECONDS = envint("PAGE_PROCESSING_LEASE_SECONDS", 300)
# How long one tick keeps claiming batches before it returns (must stay below Q_TIMEOUT).
CURATION_TICK_BUDGET_SECONDS = envint("CURATION_TICK_BUDGET_SECONDS", 120)
# Threads fetching concurrently inside one tick, and at most this many per domain.
CURATION_THREADS = envint("CURATION_THREADS", 64)
FETCH_PER_DOMAIN_CONCURRENCY = envint("FETCH_PER_DOMAIN_CONCURRENCY", 2)

# --- Fetching (SPEC section 4) ------------------------------------------------------------
FETCH_CONNECT_TIMEOUT = envfloat("FETCH_CONNECT_TIMEOUT", 10)
FETCH_READ_TIMEOUT = envfloat("FETCH_READ_TIMEOUT", 30)
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 5 * 1024 * 1024)
FETCH_MAX_REDIRECTS = envint("FETCH_MAX_REDIRECTS", 5)
FETCH_RETRIES = envint("FETCH_RETRIES", 2)
FETCH_BACKOFF_SECONDS = envfloat("FETCH_BACKOFF_SECONDS", 0.5)
FETCH_RETRY_AFTER_MAX_SECONDS = envfloat("FETCH_RETRY_AFTER_MAX_SECONDS", 30)
FETCH_USER_AGENT = env(
    "FETCH_USER_AGENT", "ScraperSkyBot/1.0 (+https://github.com/scrapersky; contact extraction)"
)
FETCH_ALLOW_PRIVATE_NETWORKS = envbool("FETCH_ALLOW_PRIVATE_NETWORKS", False)
# The standard variables requests honours, read once here: requests would read the whole
# environment (and ~/.netrc) again on every request, half the CPU of a fetch. Proxies need
# that per-request reading (NO_PROXY is matched per URL), so it stays on when one is set.
FETCH_PROXIES_FROM_ENV = bool(getproxies_environment())
FETCH_CA_BUNDLE = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or ""
SCRAPER_API_KEY = env("SCRAPER_API_KEY")
SCRAPER_API_TIMEOUT = envfloat("SCRAPER_API_TIMEOUT", 70)
SCRAPER_API_ENABLE_JS_RENDERING = envbool("SCRAPER_API_ENABLE_JS_RENDERING", False)
SCRAPER_API_ENABLE_PREMIUM = envbool("SCRAPER_API_ENABLE_PREMIUM", False)
SCRAPER_API_ENABLE_GEOTARGETING = envbool("SCRAPER_API_ENABLE_GEOTARGETING", False)

# --- Extraction (SPEC section 5) ----------------------------------------------------------
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", "US")

# --- Sitemaps and website scans (SPEC sections 6 and 7) -----------------------------------
SITEMAP_MAX_PAGES_PER_DOMAIN = envint("SITEMAP_MAX_PAGES_PER_DOMAIN", 500)
SITEMAP_MAX_ENTRIES = envint("SITEMAP_MAX_ENTRIES", 50_000)
SCAN_MAX_PAGES = envint("SCAN_MAX_PAGES", 25)

# --- API ----------------------------------------------------------------------------------
API_MAX_BATCH = envint("API_MAX_BATCH", 1000)

# --- django-q2 ----------------------------------------------------------------------------
# ORM broker on the default database: a kick queued inside the selection's transaction
# commits or rolls back with it. The tick's budget < timeout < retry, so the broker never
# hands a running tick to a second worker; retry state lives on our own models, so django-q2
# never retries a task itself (max_attempts=1) and a failed tick is acknowledged.
# The margin lets the rows already being fetched at the budget's end finish: a fetch may take
# 3 connection attempts, a read timeout and Retry-After waits (about two minutes at worst).
Q_TIMEOUT = envint("Q_TIMEOUT", CURATION_TICK_BUDGET_SECONDS + 180)
Q_CLUSTER = {
    "name": "scrapersky",
    "orm": "default",
    "workers": envint("Q_WORKERS", 2),
    "timeout": Q_TIMEOUT,
    "retry": Q_TIMEOUT + 60,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": envint("Q_SAVE_LIMIT", 250),
    "poll": envfloat("Q_POLL_SECONDS", 0.2),
    "label": "Django Q2",
}
if (
    Q_CLUSTER["timeout"] <= CURATION_TICK_BUDGET_SECONDS
    or Q_CLUSTER["timeout"] >= Q_CLUSTER["retry"]
):
    raise ValueError("Settings must keep CURATION_TICK_BUDGET_SECONDS < Q_TIMEOUT < retry.")
