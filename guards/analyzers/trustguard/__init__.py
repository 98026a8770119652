"""trustguard: is a model's output grounded in its sources, consistent and honestly worded?"""

from guards.analyzers.trustguard.analyzer import TrustGuard

__all__ = ["TrustGuard"]
