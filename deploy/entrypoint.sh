#!/bin/sh
# Container entry point. Roles:
#   gateway            serve the gateway: nginx on $PORT buffering requests in front of gunicorn
#                      on loopback (deploy/run_gateway.py; GATEWAY_PROXY=none: gunicorn alone)
#   guard NAME         serve one guard as a standalone service (GUARD_SERVICE_NAME=NAME)
#   migrate            apply database migrations (run as a one-off ECS task before deploys)
#   manage ARGS...     any management command (flush_usage, prune_guard_requests, rotate_secrets, ...)
#
# Metrics: servers share samples between their workers in PROMETHEUS_MULTIPROC_DIR (the image
# sets it; gunicorn empties it at start). One-off commands serve no /metrics, so they keep
# their samples in memory: run inside a gateway container, they must not leave files of
# their own in the directory the gateway's /metrics adds up.
set -eu
role="${1:-gateway}"
[ "$#" -gt 0 ] && shift
serve_metrics() {
  if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then mkdir -p "$PROMETHEUS_MULTIPROC_DIR"; fi
}
case "$role" in
  gateway)
    serve_metrics
    exec python deploy/run_gateway.py aiguardian.wsgi:application ;;
  guard)
    export GUARD_SERVICE_NAME="${1:?usage: guard NAME}"
    serve_metrics
    exec gunicorn -c deploy/gunicorn.conf.py guards.standalone.wsgi:application ;;
  migrate)
    unset PROMETHEUS_MULTIPROC_DIR
    exec python manage.py migrate --noinput ;;
  manage)
    unset PROMETHEUS_MULTIPROC_DIR
    exec python manage.py "$@" ;;
  *)
    exec "$role" "$@" ;;
esac
