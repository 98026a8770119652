"""Suite-wide set-up: the suite runs against real PostgreSQL and Redis.

``scripts/test.sh`` (the README's test command) points ``DATABASE_URL`` and
``REDIS_URL`` at them. If either is missing or unreachable the whole run stops with
an error naming it: a suite that silently fell back to SQLite or skipped would be
green without testing what production runs.
"""

from __future__ import annotations

import pytest
from django.conf import settings

pytest_plugins = [
    "tests.fixtures.accounts",
    "tests.fixtures.guards",
    "tests.fixtures.outages",
]


def _service_problem() -> str | None:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return "DATABASE_URL must point at PostgreSQL for the test suite (see scripts/test.sh)"
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return "REDIS_URL must point at Redis for the test suite (see scripts/test.sh)"
    try:
        import psycopg

        psycopg.connect(
            host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db.get("USER") or None,
            password=db.get("PASSWORD") or None, dbname="postgres", connect_timeout=5,
        ).close()
    except Exception as exc:
        return f"PostgreSQL at {db.get('HOST')}:{db.get('PORT')} is unreachable: {type(exc).__name__}: {exc}"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"Redis at {settings.REDIS_URL} is unreachable: {type(exc).__name__}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = _service_problem()
    if problem:
        pytest.exit(f"test services not available: {problem}", returncode=3)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (this Redis database is the suite's own)."""
    from django.core.cache import cache

    cache.clear()
    yield
