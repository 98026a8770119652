#!/usr/bin/env bash
# Install the dev requirements into .venv and run the whole suite (lint included)
# against real PostgreSQL and Redis.
#
# Uses DATABASE_URL / REDIS_URL when set, else 127.0.0.1:5432 (user postgres) and
# 127.0.0.1:6379 database 15. When those are unreachable on a developer machine, it
# starts throwaway ones (initdb/pg_ctl, redis-server) for the run; under CI=true it
# fails instead, loudly, because CI must test against the services it was given.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/aiguardian}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
export DJANGO_SETTINGS_MODULE=aiguardian.settings

if ! .venv/bin/python scripts/check_services.py; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true: PostgreSQL and Redis must be reachable (DATABASE_URL, REDIS_URL); refusing to skip." >&2
    exit 3
  fi
  echo "Starting throwaway PostgreSQL and Redis for this run..." >&2
  eval "$(.venv/bin/python scripts/throwaway_services.py start)"
  trap '.venv/bin/python scripts/throwaway_services.py stop "$AIG_THROWAWAY_DIR"' EXIT
fi

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
