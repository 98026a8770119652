"""Per-tenant guard configuration: validate and save it, and resolve it (cached) per request.

Resolution reads all of a tenant's guard configs in one query and caches them as
``(version, configs)`` under ``guards:cfg:<tenant>``, next to the tenant's version key
``guards:cfgver:<tenant>``; a warm read fetches both in one round trip (MGET) and uses
the configs only when their version is the current one. Saving a config or a backend
bumps the version of every tenant concerned once the transaction commits, so a reader
that raced the write can only have cached configs tagged with a version nobody holds
any more. A tenant with no configs is cached too (as an empty map). Nothing is cached
when the database fails. While Redis is down every resolution reads the database
(one query), uncached: a config saved meanwhile applies at once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction

from aiguardian.readahead import NOT_READ, DecodedMemo, cache_key_name, readahead_get
from aiguardian.redis_outage import REDIS_ERRORS
from guards.analyzers.registry import GUARD_NAMES, GUARDS
from guards.analyzers.schema import SettingsError
from guards.models import MAX_BACKEND_TIMEOUT, MIN_BACKEND_TIMEOUT, GuardBackend, TenantGuardConfig
from guards.services.backends import IN_PROCESS, BackendSpec
from guards.services.backends.inprocess import installed_analyzer_class
from guards.services.budget import guard_settings_schema
from policy.services.history import config_revision_record, config_snapshot, config_stored_snapshot
from policy.services.snapshot import (
    DEFAULT_POLICY,
    GuardPolicy,
    tenant_policy_annotations,
    tenant_policy_load,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ResolvedGuard:
    """What the runner needs to know about one guard for one tenant."""

    guard: str
    enabled: bool
    backend: BackendSpec = IN_PROCESS
    settings: dict[str, Any] = field(default_factory=dict)
    fallback_allowed: bool = True
    store_raw_text: bool = False
    policy: GuardPolicy = DEFAULT_POLICY  # mode, failure policy, lists, config version


def guard_settings_validate(*, guard: str, values: Any) -> dict[str, Any]:
    """Validate a tenant's overrides against the guard's schema; raises ``SettingsError``.

    When the guard's analyzer is not installed here the overrides cannot be checked,
    which is an error too: an operator must not save settings nobody validated.
    """
    cls = installed_analyzer_class(guard)
    if cls is None:
        raise SettingsError({"settings": f"The {guard} analyzer is not installed; settings cannot be validated."})
    return guard_settings_schema(cls).validate(values)


def _effective(guard: str, stored: dict[str, Any]) -> dict[str, Any]:
    cls = installed_analyzer_class(guard)
    if cls is None:
        return dict(stored)  # a remote service with the analyzer merges its own defaults
    schema = guard_settings_schema(cls)
    try:
        valid = schema.validate(stored)
    except SettingsError as exc:
        # The schema changed since the config was saved: keep the valid overrides only.
        logger.warning("ignoring invalid stored %s settings: %s", guard, sorted(exc.errors))
        valid = schema.validate({k: v for k, v in stored.items() if k not in exc.errors})
    # The analyzer's defaults merged in; an unset budget key stays absent (the deployment's default applies).
    return {**cls.settings_schema.defaults(), **valid}


def _version_key(tenant_id: int) -> str:
    return f"guards:cfgver:{tenant_id}"


def _configs_key(tenant_id: int) -> str:
    return f"guards:cfg:{tenant_id}"


def _version_create(tenant_id: int) -> str:
    """A version for a tenant that has none (first read, or Redis lost it); racing workers agree on one."""
    version = uuid.uuid4().hex[:12]
    if not cache.add(_version_key(tenant_id), version, timeout=None):
        version = cache.get(_version_key(tenant_id)) or version
    return str(version)


def config_cache_invalidate(*, tenant_ids: list[int] | set[int]) -> None:
    """Make every worker re-read these tenants' configs.

    Bumped now and again after the transaction commits: a reader between the two
    may have cached the pre-commit rows under the first new version.
    """
    ids = sorted(set(tenant_ids))

    def bump() -> None:
        try:
            cache.set_many({_version_key(t): uuid.uuid4().hex[:12] for t in ids}, timeout=None)
        except REDIS_ERRORS:  # cached configs expire after GUARD_CONFIG_CACHE_SECONDS
            logger.warning("could not invalidate the cached configs of %d tenants", len(ids))

    if ids:
        bump()
        transaction.on_commit(bump)


def config_cache_names(*, tenant_id: int) -> tuple[str, str]:
    """The Redis keys of the tenant's config version and cached configs (for a read ahead)."""
    return cache_key_name(_version_key(tenant_id)), cache_key_name(_configs_key(tenant_id))


# Unpickled once per worker per distinct cached value (a save bumps the version, and the
# configs are re-cached under it: other bytes). Callers must not mutate what they get.
_decoded = DecodedMemo(lambda raw: cache.client.decode(raw), max_entries=512)


def _read_ahead(tenant_id: int) -> tuple[Any, Any] | None:
    """(version, entry) when the request read both ahead, else None."""
    version_name, configs_name = config_cache_names(tenant_id=tenant_id)
    raw_version, raw_entry = readahead_get(version_name), readahead_get(configs_name)
    if raw_version is NOT_READ or raw_entry is NOT_READ:
        return None
    return (_decoded.get(raw_version) if raw_version is not None else None,
            _decoded.get(raw_entry) if raw_entry is not None else None)


def tenant_guards_resolve(*, tenant_id: int) -> dict[str, ResolvedGuard]:
    """All configured guards of a tenant, from the cache or one query."""
    version_key, configs_key = _version_key(tenant_id), _configs_key(tenant_id)
    try:
        ahead = _read_ahead(tenant_id)
        if ahead is None:
            cached = cache.get_many([version_key, configs_key])  # one round trip
            ahead = cached.get(version_key), cached.get(configs_key)
        version, entry = ahead
        if version is not None and entry is not None and entry[0] == version:
            return entry[1]
        # The version is read before the rows: configs cached from rows older than a save
        # carry a version that the save's after-commit bump has already replaced.
        version = str(version) if version is not None else _version_create(tenant_id)
    except REDIS_ERRORS:
        return _configs_load(tenant_id)
    resolved = _configs_load(tenant_id)
    try:
        cache.set(configs_key, (version, resolved), timeout=django_settings.GUARD_CONFIG_CACHE_SECONDS)
    except REDIS_ERRORS:
        pass
    return resolved


def _configs_load(tenant_id: int) -> dict[str, ResolvedGuard]:
    rows = list(TenantGuardConfig.objects.filter(tenant_id=tenant_id).select_related("backend")
                .annotate(**tenant_policy_annotations(tenant_id=tenant_id)))
    tenant_policy = tenant_policy_load(tenant_id=tenant_id, row=rows[0] if rows else None)
    return {
        row.guard: ResolvedGuard(
            guard=row.guard, enabled=row.enabled,
            backend=BackendSpec.from_model(row.backend) if row.backend_id else IN_PROCESS,
            settings=_effective(row.guard, row.settings or {}), fallback_allowed=row.fallback_allowed,
            store_raw_text=row.store_raw_text,
            policy=tenant_policy.for_guard(guard=row.guard, mode=row.mode, failure_policy=row.failure_policy),
        )
        for row in rows
    }


def guard_config_resolve(*, tenant_id: int, guard: str) -> ResolvedGuard | None:
    """The tenant's config of ``guard``, or None when it has none (treated as not enabled)."""
    return tenant_guards_resolve(tenant_id=tenant_id).get(guard)


def tenant_backends(*, tenant_id: int) -> list[BackendSpec]:
    """The distinct backends of the tenant's enabled guards (remote ones first, by name)."""
    specs = {r.backend for r in tenant_guards_resolve(tenant_id=tenant_id).values() if r.enabled}
    return sorted(specs, key=lambda s: (not s.is_remote, s.name))


def guard_config_save(*, config: TenantGuardConfig, actor: Any = None, via: str = "system",
                      reverts: int | None = None) -> TenantGuardConfig:
    """Validate the settings against the guard's schema, save, record the revision, invalidate the cache.

    ``actor``/``via`` say who changed it (a user and ``"admin"``, a key label and ``"api"``).
    """
    config.settings = guard_settings_validate(guard=config.guard, values=config.settings)
    with transaction.atomic():
        before = config_stored_snapshot(config)
        config.save()
        config_revision_record(config=config, before=before, actor=actor, via=via, reverts=reverts)
        config_cache_invalidate(tenant_ids=[config.tenant_id])
    return config


def guard_config_delete(*, config: TenantGuardConfig, actor: Any = None, via: str = "system",
                        reverts: int | None = None) -> None:
    with transaction.atomic():
        before = config_stored_snapshot(config)
        pk = config.pk
        config.delete()
        config.pk = pk  # the revision names the deleted row
        config_revision_record(config=config, before=before, deleted=True, actor=actor, via=via, reverts=reverts)
        config_cache_invalidate(tenant_ids=[config.tenant_id])


def guard_backend_save(*, backend: GuardBackend) -> GuardBackend:
    """Save a backend and invalidate every tenant that routes a guard through it."""
    with transaction.atomic():
        backend.save()
        tenant_ids = set(backend.tenant_configs.values_list("tenant_id", flat=True))
        config_cache_invalidate(tenant_ids=tenant_ids)
    return backend


def tenant_guard_configs_create(*, tenant: Any) -> int:
    """Give a new tenant every guard, enabled, in-process, with the default settings."""
    created = TenantGuardConfig.objects.bulk_create(
        [TenantGuardConfig(tenant=tenant, guard=name) for name in GUARD_NAMES], ignore_conflicts=True
    )
    config_cache_invalidate(tenant_ids=[tenant.pk])
    return len(created)


def _service_url(url_template: str, name: str) -> str:
    """``url_template`` filled in for guard ``name``; ValueError unless it is an http(s) URL per guard."""
    if "{name}" not in url_template and "{port}" not in url_template:
        raise ValueError(f"URL template {url_template!r} names no {{name}} or {{port}}: every guard would share one URL")
    try:
        url = url_template.format(name=name, port=GUARDS[name].port)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"URL template {url_template!r} may use only {{name}} and {{port}} ({exc})") from None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"URL template {url_template!r} gives {url!r}, not an http(s) URL")
    return url


def guard_services_register(*, url_template: str, timeout: float, route_tenants: bool) -> tuple[int, int]:
    """One HTTP backend per guard service (``url_template`` with ``{name}``/``{port}``); returns counts.

    With ``route_tenants`` every tenant's config of each guard is pointed at its service.
    Raises ValueError (nothing saved) for a template that is not an http(s) URL per guard or a
    timeout outside the backend's range.
    """
    urls = {name: _service_url(url_template, name) for name in GUARD_NAMES}
    if not MIN_BACKEND_TIMEOUT <= timeout <= MAX_BACKEND_TIMEOUT:
        raise ValueError(f"timeout must be {MIN_BACKEND_TIMEOUT}-{MAX_BACKEND_TIMEOUT} seconds (got {timeout})")
    routed = 0
    with transaction.atomic():
        for name in GUARD_NAMES:
            backend = GuardBackend.objects.filter(name=name).first() or GuardBackend(name=name)
            backend.kind = GuardBackend.Kind.HTTP
            backend.base_url = urls[name]
            backend.timeout = timeout
            guard_backend_save(backend=backend)
            if route_tenants:
                configs = list(TenantGuardConfig.objects.select_for_update().filter(guard=name)
                               .exclude(backend=backend))
                for config in configs:  # each re-routing is a revision of that tenant's config
                    before = config_snapshot(config)
                    config.backend = backend
                    config.save(update_fields=["backend", "updated_at"])
                    config_revision_record(config=config, before=before, actor="guard_services_register")
                routed += len(configs)
                config_cache_invalidate(tenant_ids={c.tenant_id for c in configs})
    return len(GUARD_NAMES), routed
