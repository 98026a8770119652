"""AIGuardian: a multi-tenant AI-safety gateway (Django project package)."""
