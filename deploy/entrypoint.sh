#!/bin/sh
# Container entry point. Roles:
#   gateway            serve the gateway: nginx on $PORT buffering requests in front of gunicorn
#                      on loopback (deploy/run_gateway.py; GATEWAY_PROXY=none: gunicorn alone)
#   guard NAME         serve one guard as a standalone service (GUARD_SERVICE_NAME=NAME)
#   migrate            apply database migrations (run as a one-off ECS task before deploys)
#   manage ARGS...     any management command (flush_usage, prune_guard_requests, rotate_secrets, ...)
set -eu
role="${1:-gateway}"
[ "$#" -gt 0 ] && shift
case "$role" in
  gateway)
    exec python deploy/run_gateway.py aiguardian.wsgi:application ;;
  guard)
    export GUARD_SERVICE_NAME="${1:?usage: guard NAME}"
    exec gunicorn -c deploy/gunicorn.conf.py guards.standalone.wsgi:application ;;
  migrate)
    exec python manage.py migrate --noinput ;;
  manage)
    exec python manage.py "$@" ;;
  *)
    exec "$role" "$@" ;;
esac
