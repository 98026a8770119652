"""biasguard: biased and offensive language, by category, with neutral alternatives."""

from guards.analyzers.biasguard.analyzer import BiasGuard

__all__ = ["BiasGuard"]
