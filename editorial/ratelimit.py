"""A fixed-window rate limit per person and action, kept in Django's cache.

`cache.add` then `cache.incr` is atomic on the shared caches production uses (Redis,
Memcached, the database cache) and on the per-process memory cache; with the memory cache
the limit is per process, which still bounds what one person can make one worker do.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(action: str, who: object, *, limit: int, per_seconds: int = 60) -> bool:
    """Count one use of `action` by `who`; False once `limit` uses fall in this window."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{action}:{who}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=per_seconds + 1)
        return True
