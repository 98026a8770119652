"""Business logic of the guard gateway: resolve config, pick a backend, run, audit, measure.

Views, admin actions, the guard service and management commands call these modules;
none of them holds logic of its own.
"""
