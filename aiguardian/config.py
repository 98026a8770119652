"""Helpers the settings module uses: URL normalisation, production checks, logging.

Kept out of ``settings.py`` so they can be unit-tested without reloading settings.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ImproperlyConfigured

INSECURE_DEFAULT_SECRET_KEY = "django-insecure-aiguardian-development-only-never-use-in-production"
MIN_SECRET_KEY_LENGTH = 50
_DB_SCHEME_ALIASES = {
    "postgresql+asyncpg": "postgresql",
    "postgresql+psycopg": "postgresql",
    "postgresql+psycopg2": "postgresql",
    "postgres": "postgresql",
    "pgsql": "postgresql",
}


def fail(message: str) -> NoReturn:
    """Stop start-up with one line that names the setting at fault."""
    print(f"aiguardian: configuration error: {message}", file=sys.stderr)
    raise ImproperlyConfigured(message)


def normalise_database_url(url: str) -> str:
    """Accept the seeds' SQLAlchemy-style URLs and return one Django understands.

    ``postgresql+asyncpg://`` and ``postgres://`` both become ``postgresql://``; the
    driver is always psycopg 3.
    """
    url = url.strip()
    if not url:
        return ""
    scheme, sep, rest = url.partition("://")
    if not sep:
        fail("DATABASE_URL: not a URL (expected postgresql://user:pass@host:5432/name)")
    scheme = _DB_SCHEME_ALIASES.get(scheme.lower(), scheme.lower())
    if scheme not in {"postgresql", "sqlite"}:
        fail(f"DATABASE_URL: unsupported scheme {scheme!r} (use postgresql://)")
    return f"{scheme}://{rest}"


def sqlite_path_of(url: str, *, base_dir: Path) -> str:
    """The file of a ``sqlite:///name.db`` (relative to the project) or ``sqlite:////abs/name.db`` URL."""
    path = url.removeprefix("sqlite://")
    if path in ("", "/"):
        fail("DATABASE_URL: a sqlite URL needs a file (sqlite:///db.sqlite3 or sqlite:////var/data/db.sqlite3)")
    if path.startswith("//"):  # sqlite:////abs -> /abs
        return path[1:]
    return str(base_dir / path.lstrip("/"))


def check_production(*, secret_key: str, allowed_hosts: list[str], debug: bool) -> None:
    """Refuse to start production with settings that are unsafe there."""
    if debug:
        fail("DEBUG: must be false in production (DJANGO_ENV=production)")
    if secret_key == INSECURE_DEFAULT_SECRET_KEY or "insecure" in secret_key:
        fail("SECRET_KEY: the development default cannot be used in production")
    if len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        fail(f"SECRET_KEY: too short or too simple for production (need at least {MIN_SECRET_KEY_LENGTH} varied characters)")
    if not allowed_hosts:
        fail("ALLOWED_HOSTS: must list the gateway's host names in production")


def ensure_metrics_dir(path: str) -> None:
    """Create ``PROMETHEUS_MULTIPROC_DIR`` when it is set and missing.

    prometheus_client writes each process's samples there and crashes on the first metric
    (``FileNotFoundError: counter_<pid>.db``) when the directory is absent. Only gunicorn's
    start-up hook created it, so ``migrate``, ``manage`` and a shell in the image failed.
    """
    if not path:
        return
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"PROMETHEUS_MULTIPROC_DIR: cannot create {path!r} ({exc.strerror})")


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """JSON lines in production, readable lines in development; request id on every line."""
    formatters = {
        "json": {
            "()": "aiguardian.logging.JsonFormatter",
        },
        "text": {
            "format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s",
        },
    }
    if fmt not in formatters:
        fail(f"LOG_FORMAT: must be 'json' or 'text', not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "aiguardian.logging.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.db.backends": {"level": "WARNING"},
            "botocore": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
