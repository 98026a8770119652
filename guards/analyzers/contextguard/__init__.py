"""contextguard: per-session memory, conversation drift and context-window advice."""

from guards.analyzers.contextguard.analyzer import ContextGuard

__all__ = ["ContextGuard"]
