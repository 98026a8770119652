"""The gateway's policy step: modes, failure policy, allow/block lists, feedback, config history.

- ``snapshot``: the per-tenant policy the config resolver caches next to the guard configs.
- ``matching``: fingerprints, UTF-16 offsets and RE2 matching of tenant lists.
- ``apply``: what the runner calls after the analyzer (one place for every guard).
- ``lists``, ``history``, ``feedback``: the writes (admin, API) and their revisions.
"""
