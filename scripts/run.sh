#!/usr/bin/env bash
# Install the runtime requirements into .venv and start the gateway on the embedded
# default: SQLite, local-memory cache, in-process guards. Creates (once) a demo tenant
# and its one API key (kept in .demo-api-key) and prints a working curl command.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt

export DJANGO_SETTINGS_MODULE=aiguardian.settings
PORT="${PORT:-8000}"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py demo_setup --base-url "http://127.0.0.1:${PORT}"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload
