"""The read-ahead's remembered Redis key names stay those of the cache settings in force."""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from aiguardian.readahead import cache_key_name


def test_a_name_is_the_cache_s_own_full_key() -> None:
    assert cache_key_name("apikey:aig_abc123") == cache.make_key("apikey:aig_abc123")
    assert cache_key_name("apikey:aig_abc123") == cache.make_key("apikey:aig_abc123")  # remembered: the same


def test_changed_cache_settings_give_the_new_names() -> None:
    before = cache_key_name("guards:cfgver:7")
    changed = copy.deepcopy(settings.CACHES)
    changed["default"]["KEY_PREFIX"] = "another-prefix"
    with override_settings(CACHES=changed):
        from django.core.cache import cache as overridden

        after = cache_key_name("guards:cfgver:7")
        assert after == overridden.make_key("guards:cfgver:7")
        assert "another-prefix" in after and after != before
    assert cache_key_name("guards:cfgver:7") == before
