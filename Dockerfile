# syntax=docker/dockerfile:1
# AIGuardian gateway and guard services (one image; the command picks the role).

# --- build: compile wheels once, so the runtime image needs no compiler -------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements/ requirements/
RUN pip wheel --wheel-dir /wheels -r requirements/prod.txt

# --- runtime ---------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=aiguardian.settings \
    DJANGO_ENV=production \
    PORT=8000 \
    NGINX_RUN_DIR=/tmp/nginx \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    GUARD_SPOOL_DIR=/app/var/spool
# nginx buffers requests in front of gunicorn's sync workers (deploy/run_gateway.py):
# a client dripping its body a byte a second must not hold a worker.
RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home /app app
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY --chown=app:app . .
# Static files are collected at build time with throwaway settings (no secret needed).
RUN SECRET_KEY=collectstatic-only-$(date +%s)-not-a-real-key-0123456789abcdefghij \
    DJANGO_ENV=development python manage.py collectstatic --noinput -v 0 \
    && chmod +x deploy/entrypoint.sh \
    && install -d -o app -g app -m 700 /app/var/spool
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import os,urllib.request,sys; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/health/live', timeout=2).status == 200 else 1)"
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["gateway"]
