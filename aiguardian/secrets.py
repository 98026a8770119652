"""Overlay AWS Secrets Manager values on the process environment, before settings load.

Rule (documented in the README): a key found in the secret replaces the environment
variable of the same name, because in production the secret is the source of truth
and a stale task-definition variable must not shadow a rotated secret. The operator
can name keys for which an explicitly set environment variable wins instead, in
``AWS_SECRETS_ENV_OVERRIDES`` (comma-separated), e.g. to point one task at another
database during an incident.

The main secret (``AWS_SECRETS_NAME``) must exist, be a JSON object and hold the
keys in ``AWS_SECRETS_REQUIRED_KEYS``. The seeds' sub-secrets ``<name>/database``,
``<name>/redis`` and ``<name>/optional`` are read when they exist; RDS-style
``{"username", "password", "host", "port", "dbname"}`` and ElastiCache-style
``{"host", "port", "password"}`` documents become ``DATABASE_URL`` / ``REDIS_URL``.

Secrets Manager is called at most once per process; no secret value is ever logged
or put in an exception message.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import quote

logger = logging.getLogger(__name__)

DEFAULT_SECRET_NAME = "codeguardians-gateway/production"
DEFAULT_REQUIRED_KEYS = ("SECRET_KEY",)
SUB_SECRETS = ("database", "redis", "optional")

_loaded: dict[str, Any] | None = None


class SecretsConfigError(RuntimeError):
    """Start-up must stop: the secret is missing, malformed or incomplete."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _client(region: str) -> Any:
    import boto3

    return boto3.session.Session().client("secretsmanager", region_name=region)


def _fetch(client: Any, name: str, *, optional: bool) -> dict[str, Any] | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = client.get_secret_value(SecretId=name)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if optional and code == "ResourceNotFoundException":
            return None
        raise SecretsConfigError(f"AWS_SECRETS_NAME: cannot read secret {name!r} ({code or 'error'})") from None
    except BotoCoreError as exc:
        raise SecretsConfigError(
            f"AWS_SECRETS_NAME: cannot reach Secrets Manager for {name!r} ({type(exc).__name__})"
        ) from None
    raw = response.get("SecretString")
    if raw is None:
        raise SecretsConfigError(f"AWS_SECRETS_NAME: secret {name!r} has no SecretString (binary secrets are not supported)")
    try:
        data = json.loads(raw)
    except ValueError:
        raise SecretsConfigError(f"AWS_SECRETS_NAME: secret {name!r} is not valid JSON") from None
    if not isinstance(data, dict):
        raise SecretsConfigError(f"AWS_SECRETS_NAME: secret {name!r} must be a JSON object")
    return data


def _database_url(doc: dict[str, Any]) -> str | None:
    if doc.get("DATABASE_URL") or doc.get("url"):
        return str(doc.get("DATABASE_URL") or doc.get("url"))
    if {"host", "username"} <= doc.keys():
        user = quote(str(doc["username"]), safe="")
        password = quote(str(doc.get("password", "")), safe="")
        auth = f"{user}:{password}" if password else user
        port = doc.get("port", 5432)
        name = doc.get("dbname") or doc.get("database") or "postgres"
        return f"postgresql://{auth}@{doc['host']}:{port}/{name}"
    return None


def _redis_url(doc: dict[str, Any]) -> str | None:
    if doc.get("REDIS_URL") or doc.get("url"):
        return str(doc.get("REDIS_URL") or doc.get("url"))
    if "host" in doc:
        scheme = "rediss" if _truthy(str(doc.get("tls", ""))) else "redis"
        password = doc.get("password") or doc.get("auth_token")
        auth = f":{quote(str(password), safe='')}@" if password else ""
        return f"{scheme}://{auth}{doc['host']}:{doc.get('port', 6379)}/{doc.get('db', 0)}"
    return None


def _as_env(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def collect_secret_values(environ: MutableMapping[str, str]) -> dict[str, str]:
    """Read the main secret and its sub-secrets; return the flat key→string map."""
    name = environ.get("AWS_SECRETS_NAME") or DEFAULT_SECRET_NAME
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    client = _client(region)

    main = _fetch(client, name, optional=False) or {}
    values: dict[str, str] = {k: _as_env(v) for k, v in main.items()}

    if _truthy(environ.get("AWS_SECRETS_SUBSECRETS", "true")):
        for suffix in SUB_SECRETS:
            doc = _fetch(client, f"{name}/{suffix}", optional=True)
            if doc is None:
                continue
            if suffix == "database":
                url = _database_url(doc)
                if url:
                    values.setdefault("DATABASE_URL", url)
            elif suffix == "redis":
                url = _redis_url(doc)
                if url:
                    values.setdefault("REDIS_URL", url)
            else:
                for key, value in doc.items():
                    values.setdefault(key, _as_env(value))

    required = _csv(environ.get("AWS_SECRETS_REQUIRED_KEYS")) or list(DEFAULT_REQUIRED_KEYS)
    missing = [key for key in required if not values.get(key)]
    if missing:
        raise SecretsConfigError(f"AWS_SECRETS_NAME: secret {name!r} lacks required keys: {', '.join(missing)}")
    return values


def apply_aws_secrets(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Overlay the secret on ``environ`` (default ``os.environ``) when enabled.

    Returns the names of the keys that were set (never the values). Idempotent: the
    Secrets Manager call happens once per process.
    """
    global _loaded
    environ = os.environ if environ is None else environ
    if not _truthy(environ.get("AWS_SECRETS_ENABLED")):
        return []
    if _loaded is None:
        _loaded = collect_secret_values(environ)
    env_wins = set(_csv(environ.get("AWS_SECRETS_ENV_OVERRIDES")))
    applied = []
    for key, value in _loaded.items():
        if key in env_wins and environ.get(key):
            continue
        environ[key] = value
        applied.append(key)
    logger.info("Loaded %d settings from AWS Secrets Manager: %s", len(applied), ", ".join(sorted(applied)))
    return applied


def reset_cache() -> None:
    """Forget the loaded secret (tests, and the rotate_secrets command)."""
    global _loaded
    _loaded = None
