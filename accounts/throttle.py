"""Counting failed password checks and sign-ups, to slow down guessing and mass sign-up.

Every place a password is checked goes through here: ``accounts.backends.ThrottledModelBackend``
for each ``authenticate()`` (the member log-in and the admin log-in), and
``check_password_throttled`` for the confirmations that ask a signed-in member for their
password (changing it, deleting the account). They share one set of counters: failures for
one (address, username) pair and failures from one address, whichever page they came from.

The counters must be the same for every worker process and survive a restart, or the
documented limits would be multiplied by the number of workers. With REDIS_URL they live in
the ``throttle`` cache (Redis: ``incr`` is atomic); without it, in the ``ThrottleCounter``
table, bumped with one atomic UPDATE (``count = count + 1``) so concurrent requests cannot
lose a count. The default cache is not used: without Redis it is per process.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import ThrottleCounter

THROTTLE_CACHE = "throttle"


class PasswordChecksLocked(Exception):
    """Too many failed password checks: this one was refused without looking at the password."""


def client_ip(request) -> str:
    if settings.BEHIND_PROXY:
        # Our reverse proxy appends the address it saw; earlier entries are client-supplied.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"throttle:{parts[0]}:{digest}"


# --- where the counts live --------------------------------------------------------------------------


class _Counters(Protocol):
    def count(self, key: str) -> int: ...
    def bump(self, key: str, timeout: int) -> None: ...
    def delete(self, key: str) -> None: ...
    def clear(self) -> None: ...


class _CacheCounters:
    """Redis (the ``throttle`` cache): ``add`` then ``incr``, both atomic there."""

    def __init__(self, cache: BaseCache):
        self.cache = cache

    def count(self, key: str) -> int:
        return int(self.cache.get(key, 0))

    def bump(self, key: str, timeout: int) -> None:
        if self.cache.add(key, 1, timeout):
            return
        try:
            self.cache.incr(key)
        except ValueError:
            # Expired between add() and incr().
            self.cache.set(key, 1, timeout)

    def delete(self, key: str) -> None:
        self.cache.delete(key)

    def clear(self) -> None:
        self.cache.clear()


class _DatabaseCounters:
    """The ``ThrottleCounter`` table: shared by every process on the database, atomic updates."""

    def count(self, key: str) -> int:
        counts = ThrottleCounter.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True)
        return next(iter(counts), 0)

    def bump(self, key: str, timeout: int) -> None:
        now = timezone.now()
        expires_at = now + datetime.timedelta(seconds=timeout)
        live = ThrottleCounter.objects.filter(key=key, expires_at__gt=now)
        for _ in range(5):
            # A live window: count + 1 in the database, whatever other processes do meanwhile.
            if live.update(count=F("count") + 1):
                return
            # An expired window: start a new one. Of two processes doing this at once, the
            # second finds the row live again and goes back to the increment.
            if ThrottleCounter.objects.filter(key=key, expires_at__lte=now).update(count=1, expires_at=expires_at):
                return
            try:
                with transaction.atomic():
                    ThrottleCounter.objects.create(key=key, count=1, expires_at=expires_at)
            except IntegrityError:
                continue  # another process created it first: increment that one
            # A new window: a good moment to drop the rows nobody counts any more.
            ThrottleCounter.objects.filter(expires_at__lte=now).delete()
            return
        raise RuntimeError(f"could not count {key}")  # pragma: no cover (needs 5 lost races in a row)

    def delete(self, key: str) -> None:
        ThrottleCounter.objects.filter(key=key).delete()

    def clear(self) -> None:
        ThrottleCounter.objects.all().delete()


def _counters() -> _Counters:
    if THROTTLE_CACHE in settings.CACHES:
        return _CacheCounters(caches[THROTTLE_CACHE])
    return _DatabaseCounters()


def clear() -> None:
    """Forget every count (tests; an operator lifting every lock at once)."""
    _counters().clear()


# --- password checks ----------------------------------------------------------------------------------


def lockout_length() -> str:
    """The configured lock length in words: "15 minutes", "1 hour", "90 seconds"."""
    seconds = settings.NTRDB_LOGIN_LOCKOUT_SECONDS
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def locked_message() -> str:
    return f"Too many failed sign-in attempts. Please wait {lockout_length()} and try again."


def login_is_locked(request, username: str) -> bool:
    ip = client_ip(request)
    counters = _counters()
    return (
        counters.count(_key("login", ip, username.casefold())) >= settings.NTRDB_LOGIN_FAILURES_ALLOWED
        or counters.count(_key("login-ip", ip)) >= settings.NTRDB_LOGIN_FAILURES_PER_IP
    )


def login_failed(request, username: str) -> None:
    ip = client_ip(request)
    timeout = settings.NTRDB_LOGIN_LOCKOUT_SECONDS
    counters = _counters()
    counters.bump(_key("login", ip, username.casefold()), timeout)
    counters.bump(_key("login-ip", ip), timeout)


def login_succeeded(request, username: str) -> None:
    _counters().delete(_key("login", client_ip(request), username.casefold()))


# What the authentication backend leaves on the request when it refused a locked pair, so the
# form that called authenticate() can say why (authenticate() itself only returns None).
_LOCKED_ATTRIBUTE = "_ntrdb_password_checks_locked"


def mark_locked(request) -> None:
    setattr(request, _LOCKED_ATTRIBUTE, True)


def was_locked(request) -> bool:
    return bool(getattr(request, _LOCKED_ATTRIBUTE, False))


def run_password_check(request, username: str, check: Callable[[], bool]) -> bool:
    """Run one password check for ``username`` through the throttle: its result is counted.

    Raises ``PasswordChecksLocked`` (without running the check) while the (address, username)
    pair or the address is locked, whether by failed log-ins or by failed confirmations, and
    marks the request so the form can say why.
    """
    if login_is_locked(request, username):
        mark_locked(request)
        raise PasswordChecksLocked
    right = check()
    if right:
        login_succeeded(request, username)
    else:
        login_failed(request, username)
    return right


def check_password_throttled(request, user: Any, password: str) -> bool:
    """``user.check_password(password)``, counted like a log-in from this request's address."""
    return run_password_check(request, user.get_username(), lambda: user.check_password(password))


# --- sign-ups and password resets ---------------------------------------------------------------------


def signup_allowed(request) -> bool:
    return _counters().count(_key("signup", client_ip(request))) < settings.NTRDB_SIGNUPS_PER_IP_PER_HOUR


def signup_recorded(request) -> None:
    _counters().bump(_key("signup", client_ip(request)), 60 * 60)


def _reset_keys(request, email: str) -> tuple[str, str]:
    return _key("reset", email.strip().casefold()), _key("reset-ip", client_ip(request))


def reset_allowed(request, email: str) -> bool:
    """May a password-reset mail go to ``email`` from this client? Known or not, the same count."""
    per_address, per_ip = _reset_keys(request, email)
    return (
        _counters().count(per_address) < settings.NTRDB_RESETS_PER_ADDRESS_PER_HOUR
        and _counters().count(per_ip) < settings.NTRDB_RESETS_PER_IP_PER_HOUR
    )


def reset_recorded(request, email: str) -> None:
    for key in _reset_keys(request, email):
        _counters().bump(key, 60 * 60)
