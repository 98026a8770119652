"""Exit 0 when DATABASE_URL's PostgreSQL and REDIS_URL's Redis both answer, else 1."""

from __future__ import annotations

import os
import sys


def main() -> int:
    import psycopg
    import redis

    ok = True
    db_url = os.environ["DATABASE_URL"]
    try:
        # Connect to the maintenance database: the suite creates its own test database.
        base, _, _ = db_url.rpartition("/")
        psycopg.connect(f"{base}/postgres", connect_timeout=3).close()
    except Exception as exc:
        print(f"PostgreSQL unreachable ({db_url.split('@')[-1]}): {type(exc).__name__}", file=sys.stderr)
        ok = False
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
    except Exception as exc:
        print(f"Redis unreachable ({os.environ['REDIS_URL'].split('@')[-1]}): {type(exc).__name__}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
