"""tokenguard: token optimization and cost management (see ``analyzer.TokenGuard``)."""

from guards.analyzers.tokenguard.analyzer import TokenGuard

__all__ = ["TokenGuard"]
