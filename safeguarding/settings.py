"""Settings for the safeguarding service.

Everything that differs between a developer's machine and production is read from
environment variables (see the README, "Production configuration"):

- SAFEGUARDING_ENV: "development" (default) or "production".
- DATABASE_URL: postgres://user:pass@host:5432/name or sqlite:///path (default: db.sqlite3).
- DJANGO_SECRET_KEY: required in production.
- DJANGO_ALLOWED_HOSTS: comma-separated host names; required in production.
- DJANGO_DEBUG: "1" to turn on debug pages (development only; always off in production).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("SAFEGUARDING_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SAFEGUARDING_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters in production")
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production")
    DEBUG = False
else:
    # Development only: a fixed key is fine because nothing here holds real data.
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-key-never-use-in-production-0123456789abcdef")
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"

# The key of the audit trail's row hashes (audit.integrity). Keep it out of the database and
# never change it: entries hashed with an old key would fail verification.
if PRODUCTION:
    AUDIT_HASH_KEY = os.environ.get("AUDIT_HASH_KEY", "")
    if len(AUDIT_HASH_KEY) < 32:
        raise ImproperlyConfigured("AUDIT_HASH_KEY must be set to at least 32 random characters in production")
else:
    AUDIT_HASH_KEY = os.environ.get("AUDIT_HASH_KEY", "development-only-audit-key-0123456789abcdef")

# --- The audit chain's anchor (audit.anchor, docs/audit-integrity.md) ----------------------
# Each new end of the audit chain is appended, signed, here, outside the database, so that
# verify_audit notices entries removed from the end. In production point it at storage the
# service can append to but not change or delete (a write-once bucket, through a store class).
# Empty turns anchoring off.
AUDIT_ANCHOR = os.environ.get("SAFEGUARDING_AUDIT_ANCHOR", str(BASE_DIR / "var" / "audit-anchor.jsonl"))
AUDIT_ANCHOR_STORE = os.environ.get("SAFEGUARDING_AUDIT_ANCHOR_STORE", "audit.anchor.FileAnchorStore")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "crispy_forms",
    "crispy_forms_gds",
    # Sign-in hardening (partners.auth): two-factor codes, lock-out, Content-Security-Policy.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # Background work on a queue in the database (django-tasks, DEP 0014, and its database backend).
    "django_tasks",
    "django_tasks_db",
    # Shared kernel: code lists, concurrency, problem details.
    "kernel",
    # Partners, teams and users.
    "partners",
    # People and identifiers, the child's record.
    "people",
    # Record linkage: partners' records linked to the person index (Splink).
    "linkage",
    # The chronology every module feeds.
    "chronology",
    # Audit trail of every view and change of a child's record.
    "audit",
    # The front door: contacts, multi-agency checks, threshold decisions, referrals.
    "frontdoor",
    # Family Help under section 17: assessments, child in need plans, visits, closure.
    "familyhelp",
    # The information-sharing log (s16LA), decisions not to share, CP-IS look-ups.
    "sharing",
    # Child protection: strategy discussions, section 47, conferences, plans, core groups.
    "childprotection",
    # Children in care: periods, placements, 903 episodes, care planning, returns home, kinship.
    "childrenincare",
    # Care leavers: eligibility, personal advisers, pathway plans, keeping in touch (SSDA903 OC3).
    "leavingcare",
    # Adoption: decisions, placement orders, matching, placement, orders, and adopters (AD1, PlacedAdoption).
    "adoption",
    # Exploitation and missing: missing episodes and return interviews.
    "exploitation",
    # Education in safeguarding: schools, pupils' school history, relevant children and
    # consent to withdraw a child for home education (Education Act 1996 s434A).
    "education",
    # Statutory returns and insight: SSDA903 (the CIN census and Annex A to follow).
    "returns",
    # Timescale dashboards for the worker, the team and the service (kernel.deadlines).
    "dashboards",
    # The safeguarding partnership: its arrangements, serious incidents, rapid reviews, practice
    # reviews and their recommendations.
    "partnership",
    # The synthetic demo authority.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "partners.auth.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Saves the session at most once a minute (SESSION_REFRESH_SECONDS) to keep it alive.
    "partners.auth.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Writes the sign-in audit entries that must outlive a rolled-back request (refused API tokens).
    "audit.middleware.DeferredAuditMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partners.auth.SessionGenerationMiddleware",
    "partners.auth.TwoFactorRequiredMiddleware",
    "partners.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kernel.access.AccessRuleMiddleware",
    # A request for a merged record's page goes to the record it was merged into (after the
    # deferred audit middleware: asked first when the view raises).
    "people.merging.middleware.MergedRecordMiddleware",
    # Turns a lock-out into the "account locked" page (partners.auth.locked_out). Keep last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguarding.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with ids written into a URL cut once (kernel.reversing), for every template.
            "builtins": ["kernel.templatetags.fast_urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kernel.context_processors.service",
                "dashboards.home.navigation.navigation",
                "partners.auth.sign_in_state",
            ],
        },
    },
]

WSGI_APPLICATION = "safeguarding.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer writes; the timeout waits for the lock
    # instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Every request is one transaction: a write is either complete or not there.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
# collectstatic's target, for production; in development WhiteNoise serves from the finders.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or (BASE_DIR / "staticfiles" if PRODUCTION else None)
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from STATICFILES_DIRS as well, so tests and the demo work without collectstatic.
WHITENOISE_USE_FINDERS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: the route's access rule, and tokens only where a view names its operation.
    "DEFAULT_PERMISSION_CLASSES": ["kernel.access.AccessRulePermission", "partners.tokens.TokensNeedDeclaredScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kernel.problems.problem_details_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding service API",
    "DESCRIPTION": "JSON API for partner systems. Errors are RFC 9457 problem details.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SERVICE_NAME = os.environ.get("SAFEGUARDING_SERVICE_NAME", "Safeguarding children")

# How "within N working days of X" is counted (kernel/working_days.py): "day_zero" (X is day 0)
# or "inclusive" (X is day 1, as the DfE-aligned CIN validator counts).
WORKING_DAY_CONVENTION = os.environ.get("SAFEGUARDING_WORKING_DAY_CONVENTION", "day_zero")

# The statistics page (returns/statistics/views.py) compares the authority with the region and
# statistical neighbours of this LA (a DfE 3-digit code, like 330, or an ONS code). Empty: the
# authority's own la_code (the demo borrows Leeds's, 383, so it needs nothing here).
STATISTICS_COMPARATOR_LA = os.environ.get("SAFEGUARDING_STATISTICS_COMPARATOR_LA", "")
# Where the sector's validators are installed (.venv-903 and .venv-cin, by
# scripts/sector-validators.sh); the returns pages offer to run them when they are there.
SECTOR_VALIDATORS_DIR = os.environ.get("SAFEGUARDING_SECTOR_VALIDATORS_DIR", str(BASE_DIR))
# Background work (returns.tasks: the sector's validators) goes on a queue in the database, on
# PostgreSQL and SQLite alike; `manage.py db_worker` runs it (scripts/serve-demo.sh starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Record linkage (linkage/, docs/linkage.md): the folder partners' feed files are dropped in
# (manage.py linkage_load_dropped; empty: none), the largest file and the most records one feed
# may hold, and the thresholds (None: linkage/data/thresholds.json; each approved model keeps its own).
LINKAGE_DROP_DIR = os.environ.get("SAFEGUARDING_LINKAGE_DROP_DIR", "")
LINKAGE_MAX_FILE_BYTES = int(os.environ.get("SAFEGUARDING_LINKAGE_MAX_FILE_BYTES", str(200 * 1024 * 1024)))
LINKAGE_MAX_RECORDS = int(os.environ.get("SAFEGUARDING_LINKAGE_MAX_RECORDS", "200000"))
LINKAGE_THRESHOLDS = None
# The match weight from which two records of the person index are proposed as likely duplicates
# (linkage.dedupe) [U]: unset, the approved model's lower threshold (its review band).
LINKAGE_DEDUPE_MIN_WEIGHT = (
    float(os.environ["SAFEGUARDING_LINKAGE_DEDUPE_MIN_WEIGHT"])
    if os.environ.get("SAFEGUARDING_LINKAGE_DEDUPE_MIN_WEIGHT")
    else None
)
# Spark session defaults for regional and national runs (linkage.spark): {"master": ..., "driver_memory": ...,
# "conf": {...}}; None: local[2] with 2 GB (link_files --engine spark).
LINKAGE_SPARK = None
# Runs of the sector's validators (returns.models.SectorValidatorRun) are kept this many days [U];
# one queued or running for longer than SECTOR_RUN_GIVE_UP_MINUTES is taken as lost (its worker stopped).
SECTOR_RUNS_KEEP_DAYS = int(os.environ.get("SAFEGUARDING_SECTOR_RUNS_KEEP_DAYS", "30"))
SECTOR_RUN_GIVE_UP_MINUTES = int(os.environ.get("SAFEGUARDING_SECTOR_RUN_GIVE_UP_MINUTES", "30"))
# Checks and exports of the returns done in the background (returns.jobs): their files are kept
# here, outside the web root, by random names, for the user who asked, for RETURN_JOBS_KEEP_HOURS [U].
RETURN_JOBS_ROOT = Path(os.environ.get("SAFEGUARDING_RETURN_JOBS_ROOT") or BASE_DIR / "var" / "return-jobs")
RETURN_JOBS_KEEP_HOURS = int(os.environ.get("SAFEGUARDING_RETURN_JOBS_KEEP_HOURS", "24"))
# How many children a check lists under each rule on the page; all are in its CSV (returns.checks).
RETURNS_CHECKS_LISTED_PER_RULE = int(os.environ.get("SAFEGUARDING_RETURNS_CHECKS_LISTED_PER_RULE", "20"))
# The children aged 0 to 17 living in the authority, the population the statistics' rates per
# 10,000 children are of (returns.statistics.selectors.child_population). For real use: ONS's
# mid-year estimate of the authority's population aged 0 to 17. Empty: that ONS estimate as held
# in DfE's files for the authority's DfE code, or, for a code not in them, the children in the
# records. The demo sets it to the number of children it makes (scripts/serve-demo.sh).
CHILD_POPULATION = int(os.environ.get("SAFEGUARDING_CHILD_POPULATION") or 0) or None
# Counts from 1 to this are shown as "c" when a figure leaves the service (returns.suppression) [U].
STATISTICS_SUPPRESS_UP_TO = int(os.environ.get("SAFEGUARDING_STATISTICS_SUPPRESS_UP_TO", "5"))

# The front door (frontdoor/). Files sent with contacts are kept here, outside the web root,
# by random names; they are never served inline or executed.
ATTACHMENT_ROOT = Path(os.environ.get("SAFEGUARDING_ATTACHMENT_ROOT") or BASE_DIR / "var" / "attachments")
ATTACHMENT_MAX_BYTES = int(os.environ.get("SAFEGUARDING_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# The largest request body read into memory (Django's limit; the contacts API answers 413 above it):
# room for two attachments of the largest size in base64 (4/3 of their size), and the rest of a contact.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * (ATTACHMENT_MAX_BYTES * 4 // 3 + 4) + 1024 * 1024
# Pattern alerts: how far back to look for repeated contacts, several referrers and concerns
# about siblings or the adults of a household, and how many contacts count as "repeated".
FRONT_DOOR_PATTERN_WINDOW_DAYS = int(os.environ.get("SAFEGUARDING_FRONT_DOOR_PATTERN_WINDOW_DAYS", "180"))
FRONT_DOOR_REPEATED_CONTACTS = int(os.environ.get("SAFEGUARDING_FRONT_DOOR_REPEATED_CONTACTS", "3"))
# [U] Which missing episodes are followed by a return interview due in 72 hours: M (missing),
# as the statutory guidance on children who run away or go missing (DfE 2014) ties it; add A
# (away from placement without authorisation) where the local protocol offers one then too.
RETURN_INTERVIEW_KINDS = tuple(_env_list("SAFEGUARDING_RETURN_INTERVIEW_KINDS", "M"))
# Children's Wellbeing and Schools Act 2026 duties switch on from their commencement date and
# are off until then. s1 (new s31ZA Children Act 1989): family group decision-making offered
# before an application for a care or supervision order (childrenincare.s31za). An ISO date,
# like 2026-06-01 [U: confirm the commencement regulations]; empty: not in force.
S31ZA_COMMENCEMENT = os.environ.get("SAFEGUARDING_S31ZA_COMMENCEMENT", "") or None
# s37 (new s434A Education Act 1996): the local authority's consent before a relevant child is
# withdrawn from school to be educated at home (education.commencement). An ISO date [U:
# commencement regulations]; empty: not in force.
S434A_COMMENCEMENT = os.environ.get("SAFEGUARDING_S434A_COMMENCEMENT", "") or None
# s38 (new s436B to s436G Education Act 1996): the children not in school register
# (education.commencement). An ISO date [U: commencement regulations]; empty: not in force.
CNIS_COMMENCEMENT = os.environ.get("SAFEGUARDING_CNIS_COMMENCEMENT", "") or None
# s4 (new s16LA Children Act 2004): the duty to share information to safeguard or promote a
# child's welfare (sharing.bases). An ISO date [U: commencement regulations]; empty: not in
# force, and disclosures are logged under the basis in force before it (Working Together 2023
# with the Data Protection Act 2018).
S16LA_COMMENCEMENT = os.environ.get("SAFEGUARDING_S16LA_COMMENCEMENT", "") or None
# s4 (new s16LC Children Act 2004): a designated person includes the child's consistent
# identifier in what it processes (sharing.selectors.consistent_identifier). An ISO date [U:
# not in force as at 30 May 2026]; empty: not in force.
S16LC_COMMENCEMENT = os.environ.get("SAFEGUARDING_S16LC_COMMENCEMENT", "") or None
# [U] Which people.Identifier type is the consistent identifier of s16LC: the regulations have
# not specified one; Parliament discussed the NHS number, which the government is piloting.
S16LC_IDENTIFIER_TYPE = os.environ.get("SAFEGUARDING_S16LC_IDENTIFIER_TYPE", "NHS")
# The local authority's contact that a CP-IS look-up answers with (sharing.cpis): the front
# door's or the emergency duty team's number and address [U: set per authority].
CPIS_CONTACT_PHONE = os.environ.get("SAFEGUARDING_CPIS_CONTACT_PHONE", "")
CPIS_CONTACT_EMAIL = os.environ.get("SAFEGUARDING_CPIS_CONTACT_EMAIL", "")
# A contact turns amber on the MASH queue when its decision is due within this many hours.
FRONT_DOOR_AMBER_HOURS = int(os.environ.get("SAFEGUARDING_FRONT_DOOR_AMBER_HOURS", "8"))
# The timescale dashboards (kernel.deadlines): "due soon" within this many days, and "done
# late" over this many days back.
DEADLINE_DUE_SOON_DAYS = int(os.environ.get("SAFEGUARDING_DEADLINE_DUE_SOON_DAYS", "5"))
DEADLINE_DONE_LATE_DAYS = int(os.environ.get("SAFEGUARDING_DEADLINE_DONE_LATE_DAYS", "90"))

# --- Strong sign-in (partners.auth) -------------------------------------------------------
# Two-factor codes (TOTP) for every user. Always on in production; a development machine may
# set SAFEGUARDING_OTP_REQUIRED=0 (a local demo). Tests turn it off (root conftest.py) except
# the tests that are about it.
OTP_REQUIRED = PRODUCTION or os.environ.get("SAFEGUARDING_OTP_REQUIRED", "1") != "0"
OTP_TOTP_ISSUER = SERVICE_NAME
# An authenticator app is set up only through a one-time set-up link, issued for a new account
# or when an administrator resets the app (partners.accounts.services); links expire after this many hours.
SET_UP_LINK_HOURS = int(os.environ.get("SAFEGUARDING_SET_UP_LINK_HOURS", "72"))
# Development only (the demo): SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN=1 lets an account with no
# authenticator app set one up at its first password sign-in, without a link. Ignored in production.
SET_UP_AT_FIRST_SIGN_IN = not PRODUCTION and os.environ.get("SAFEGUARDING_SET_UP_AT_FIRST_SIGN_IN", "0") == "1"
# No growing delay between code attempts: five wrong codes lock the account instead (axes).
OTP_TOTP_THROTTLE_FACTOR = 0
# Lock-out: five failed passwords or two-factor codes for a username, from any address, lock
# the account for 30 minutes. Further attempts while locked do not extend the lock.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partners.backends.UserBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns that this lets an attacker rotate addresses; failures are summed per username
# whatever the address, which is the point. Locking by address would lock out a whole office
# behind one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The timescale dashboards' covering indexes (kernel 0008) carry INCLUDE columns on
    # PostgreSQL; SQLite makes them plain indexes, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "partners.auth.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
# Successful sign-ins are in the audit trail already.
AXES_DISABLE_ACCESS_LOG = True
# Idle sessions end after 30 minutes, and every session when the browser closes. A session in
# use is saved (its expiry pushed on) at most every SESSION_REFRESH_SECONDS, not on every
# request (partners.auth.SlidingSessionMiddleware), so an idle session ends 29 to 30 minutes
# after its last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(os.environ.get("SAFEGUARDING_SESSION_REFRESH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A strict Content-Security-Policy: the pages have no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Nothing personal goes to logs: request logging records method, path and status only,
# and the paths of the child's record carry internal ids, never names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's request logger prints the request repr on errors; keep it at ERROR.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
