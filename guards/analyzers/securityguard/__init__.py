"""securityguard: prompt injection, secrets, PII, invisible text and risky URLs, with redaction.

One module per detector (``injection``, ``secrets``, ``pii``, ``unicode_text``, ``urls``),
shared de-obfuscation in ``obfuscation`` and redaction in ``sanitizer``; the analyzer
in ``analyzer`` runs them and turns their findings into one decision.
"""

from guards.analyzers.securityguard.analyzer import SecurityGuard

__all__ = ["SecurityGuard"]
