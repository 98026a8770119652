"""The guard catalogue: the six guard names and the analyzer class behind each.

The set of guards is fixed at import time (the public API validates ``service_type``
against it); each analyzer is instantiated once per process, on first use, because
several load models that take time and memory.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass

from guards.analyzers.base import Analyzer


@dataclass(frozen=True, slots=True)
class GuardSpec:
    name: str
    port: int  # port of the standalone guard service
    analyzer_path: str  # "module:Class"
    summary: str


GUARDS: dict[str, GuardSpec] = {
    spec.name: spec
    for spec in (
        GuardSpec("tokenguard", 8001, "guards.analyzers.tokenguard:TokenGuard",
                  "Token counts, cost estimate, context-window fit and text optimization."),
        GuardSpec("trustguard", 8002, "guards.analyzers.trustguard:TrustGuard",
                  "Grounding of model output in its sources; unsupported claims and trust score."),
        GuardSpec("contextguard", 8003, "guards.analyzers.contextguard:ContextGuard",
                  "Per-session memory, context drift and window management."),
        GuardSpec("biasguard", 8004, "guards.analyzers.biasguard:BiasGuard",
                  "Biased or offensive language by category, with spans and alternatives."),
        GuardSpec("securityguard", 8005, "guards.analyzers.securityguard:SecurityGuard",
                  "Prompt injection, secrets, PII, invisible text and risky URLs; redaction."),
        GuardSpec("healthguard", 8006, "guards.analyzers.healthguard:HealthGuard",
                  "Text integrity (encoding, control characters, gibberish, loops) and backend health."),
    )
}
GUARD_NAMES: tuple[str, ...] = tuple(GUARDS)

_instances: dict[str, Analyzer] = {}
_lock = threading.Lock()


class UnknownGuard(KeyError):
    """No guard by that name."""


def analyzer_class(name: str) -> type[Analyzer]:
    try:
        spec = GUARDS[name]
    except KeyError:
        raise UnknownGuard(name) from None
    module_name, _, class_name = spec.analyzer_path.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if cls.name != name:
        raise RuntimeError(f"{spec.analyzer_path} declares name {cls.name!r}, expected {name!r}")
    return cls


def get_analyzer(name: str) -> Analyzer:
    """The process-wide analyzer instance for guard ``name``."""
    instance = _instances.get(name)
    if instance is not None:
        return instance
    with _lock:
        instance = _instances.get(name)
        if instance is None:
            instance = analyzer_class(name)()
            _instances[name] = instance
        return instance
