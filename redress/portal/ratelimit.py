"""A fixed-window rate limit shared by every web process: kept in the database, or in Redis when
RATE_LIMIT_BACKEND is `redis` (production with more than a little traffic).

A flood limit (`shared=False`: reading pages, calling the API) is counted in the `ratelimit`
cache instead, so that a page view never writes to the database: in memory, per web process,
with the database backend; in Redis with the Redis backend."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from redress.portal.models import RateBucket


def keyed(purpose: str, value: str) -> str:
    """A key that names `value` (an email address, a network address) without storing it."""
    secret = f"redress.portal.ratelimit:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def allow(key: str, *, limit: int, window: timedelta, shared: bool = True) -> bool:
    """Count one use of `key`; False once it has been used more than `limit` times in the
    current window. `shared=False` counts in the ratelimit cache even with the database
    backend."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = now - timedelta(seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond)
    if settings.RATE_LIMIT_BACKEND == "redis" or not shared:
        return _allow_in_cache(key, start, limit=limit, seconds=seconds)
    for _ in range(2):  # a concurrent first hit may create the bucket between our two steps
        try:
            with transaction.atomic():
                bucket, created = RateBucket.objects.get_or_create(
                    key=key, window_start=start, defaults={"hits": 1}
                )
                if not created:
                    RateBucket.objects.filter(pk=bucket.pk).update(hits=F("hits") + 1)
                    bucket.refresh_from_db(fields=["hits"])
                return bucket.hits <= limit
        except IntegrityError:
            continue
    return False


def _allow_in_cache(key: str, start: datetime, *, limit: int, seconds: int) -> bool:
    """The same count in the `ratelimit` cache (Redis, or this process's memory): one counter
    per key and window, which expires by itself when the window is over."""
    cache = caches["ratelimit"]
    bucket = f"{key}:{int(start.timestamp())}"
    cache.add(bucket, 0, timeout=seconds + 1)
    try:
        hits = cache.incr(bucket)
    except ValueError:  # the counter expired between the two calls: this is its first hit
        cache.add(bucket, 1, timeout=seconds + 1)
        hits = 1
    return hits <= limit


def forget_old(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete buckets of windows long past (run now and then by `redress portal tidy`)."""
    deleted, _ = RateBucket.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
