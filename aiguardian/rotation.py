"""Rotate the gateway's own secrets in AWS Secrets Manager without breaking clients.

``SECRET_KEY``: a new key becomes current and the old one moves to
``SECRET_KEY_FALLBACKS`` (sessions and signed values stay valid until the next
rotation). ``API_KEY_PEPPERS``: a new pepper is put first (it hashes new keys and
re-hashes old ones on their next use) and older ones are kept, at most ``keep``.
The new version is written as AWSCURRENT; running tasks pick it up when ECS
replaces them. Values are never printed, only key names.
"""

from __future__ import annotations

import json
import secrets as pysecrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiguardian.secrets import DEFAULT_SECRET_NAME, SecretsConfigError

ROTATABLE = ("SECRET_KEY", "API_KEY_PEPPERS")


@dataclass(frozen=True, slots=True)
class RotationResult:
    secret_name: str
    rotated: tuple[str, ...]
    version_id: str | None


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def rotate(document: dict[str, Any], keys: list[str], *, keep: int = 2) -> dict[str, Any]:
    """Return a new secret document with ``keys`` rotated (pure; no AWS call)."""
    unknown = [k for k in keys if k not in ROTATABLE]
    if unknown:
        raise ValueError(f"cannot rotate {', '.join(unknown)}; rotatable: {', '.join(ROTATABLE)}")
    doc = dict(document)
    if "SECRET_KEY" in keys:
        old = doc.get("SECRET_KEY")
        fallbacks = _split(doc.get("SECRET_KEY_FALLBACKS"))
        if old:
            fallbacks = [old, *[f for f in fallbacks if f != old]]
        doc["SECRET_KEY"] = pysecrets.token_urlsafe(64)
        doc["SECRET_KEY_FALLBACKS"] = ",".join(fallbacks[:keep])
    if "API_KEY_PEPPERS" in keys:
        peppers = _split(doc.get("API_KEY_PEPPERS"))
        doc["API_KEY_PEPPERS"] = ",".join([pysecrets.token_urlsafe(48), *peppers][: keep + 1])
    return doc


@contextmanager
def _aws_errors(secret_name: str, region: str) -> Iterator[None]:
    """Turn boto's failures into one line that says what to fix (commands show it, never a traceback)."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield
    except NoCredentialsError:
        raise SecretsConfigError("AWS credentials not found: run with an IAM role, AWS_PROFILE or "
                                 "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise SecretsConfigError(f"AWS_SECRETS_NAME: cannot read or write secret {secret_name!r} ({code})") from None
    except BotoCoreError as exc:  # no region, endpoint unreachable, ...
        raise SecretsConfigError(f"AWS Secrets Manager in {region!r} is not reachable: {exc}") from None


def rotate_in_secrets_manager(*, keys: list[str], region: str, secret_name: str = DEFAULT_SECRET_NAME,
                              keep: int = 2, dry_run: bool = False) -> RotationResult:
    import boto3

    with _aws_errors(secret_name, region):
        client = boto3.session.Session().client("secretsmanager", region_name=region)
        raw = client.get_secret_value(SecretId=secret_name).get("SecretString")
    try:
        current = json.loads(raw or "")
    except ValueError:
        current = None
    if not isinstance(current, dict):
        raise SecretsConfigError(f"AWS_SECRETS_NAME: secret {secret_name!r} is not a JSON object")
    updated = rotate(current, keys, keep=keep)
    if dry_run:
        return RotationResult(secret_name, tuple(keys), None)
    with _aws_errors(secret_name, region):
        response = client.put_secret_value(SecretId=secret_name, SecretString=json.dumps(updated))
    return RotationResult(secret_name, tuple(keys), response.get("VersionId"))
