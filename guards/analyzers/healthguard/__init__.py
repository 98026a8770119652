"""healthguard: text integrity and platform health (see ``analyzer.HealthGuard``)."""

from guards.analyzers.healthguard.analyzer import HealthGuard

__all__ = ["HealthGuard"]
