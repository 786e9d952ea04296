"""Authentication with the password-check throttle applied to every ``authenticate()``."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import throttle
from accounts.models import User


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, refusing a locked (address, username) pair or address.

    Every form that signs someone in calls ``authenticate(request, ...)``: the member log-in,
    the admin log-in, any later one. So each is counted and locked by ``accounts.throttle``,
    and an account locked on one page is locked on all. While locked the password is not
    even checked: the right one is refused too. PermissionDenied stops ``authenticate()``
    from trying any other backend; the request is marked so the form can say why.

    A call without a request (code, not a visitor: the test client's ``login()``, a shell)
    has no address to count against and is not throttled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        found = []

        def check() -> bool:
            found.append(super(ThrottledModelBackend, self).authenticate(request, username, password, **kwargs))
            return found[0] is not None

        try:
            throttle.run_password_check(request, username or "", check)
        except throttle.PasswordChecksLocked:
            raise PermissionDenied("Too many failed password checks.") from None
        return found[0]
