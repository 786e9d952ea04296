"""Typed readers for environment variables.

Every setting that comes from the environment goes through one of these, so a
typo in a deployment (``DJANGO_DEBUG=ture``) stops the process at start-up with
a message naming the variable instead of silently picking a default.
"""

import os
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw) if raw else default


_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_URL_SCHEMES = {
    "smtp": _SMTP,
    "smtps": _SMTP,
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_SMTP_VARIABLES = (
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


@dataclass(frozen=True)
class EmailSettings:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: int | None = None


def env_email() -> EmailSettings:
    """How mail leaves the site: ``EMAIL_URL``, or the usual ``EMAIL_*`` variables, or the console.

    Giving both ``EMAIL_URL`` and ``EMAIL_HOST`` (or another of the separate variables) is refused:
    which one wins would be a guess.
    """
    url = os.environ.get("EMAIL_URL", "").strip()
    separate = [name for name in _SMTP_VARIABLES if os.environ.get(name, "").strip()]
    if url:
        if separate:
            raise ImproperlyConfigured(f"Set either EMAIL_URL or {', '.join(separate)}, not both")
        return parse_email_url("EMAIL_URL", url)
    if not os.environ.get("EMAIL_HOST", "").strip():
        if separate:
            raise ImproperlyConfigured(f"{', '.join(separate)} given without EMAIL_HOST")
        return EmailSettings(backend=_EMAIL_URL_SCHEMES["console"])
    use_tls = env_bool("EMAIL_USE_TLS", False)
    use_ssl = env_bool("EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on: pick STARTTLS or SSL")
    port = env_int("EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25, minimum=1)
    if port > 65535:
        raise ImproperlyConfigured(f"EMAIL_PORT must be at most 65535; got {port}")
    return EmailSettings(
        backend=_SMTP,
        host=os.environ["EMAIL_HOST"].strip(),
        port=port,
        user=env_str("EMAIL_HOST_USER", ""),
        password=env_str("EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def parse_email_url(name: str, raw: str) -> EmailSettings:
    """The email settings an ``EMAIL_URL`` stands for.

    ``smtp://user:password@host:587?tls=1`` (STARTTLS), ``smtps://user:password@host:465``
    (TLS from the first byte), ``console://`` (print messages), ``locmem://`` or ``dummy://``;
    ``?timeout=10`` sets the SMTP timeout in seconds. The user name and password are
    percent-decoded, so ``@`` and ``:`` in them are written ``%40`` and ``%3A``. Anything else
    stops the process with a message naming ``name`` (and never printing the password).
    """
    parts = urlsplit(raw.strip())
    scheme = parts.scheme.lower()
    if scheme not in _EMAIL_URL_SCHEMES:
        known = ", ".join(f"{s}://" for s in _EMAIL_URL_SCHEMES)
        raise ImproperlyConfigured(f"{name} must start with one of {known}; got {_redacted(raw)!r}")
    if scheme not in {"smtp", "smtps"}:
        return EmailSettings(backend=_EMAIL_URL_SCHEMES[scheme])
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number from 0 to 65535: {_redacted(raw)!r}")
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} must name a host, e.g. smtp://user:password@mail.example:587")
    options: dict[str, str] = {}
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in {"tls", "ssl", "timeout"}:
            raise ImproperlyConfigured(f"{name} takes the options tls, ssl and timeout; got {key!r}")
        options[key] = values[-1].strip().lower()
    use_ssl = scheme == "smtps" or _url_flag(name, options, "ssl")
    use_tls = _url_flag(name, options, "tls")
    if use_ssl and use_tls:
        raise ImproperlyConfigured(f"{name} cannot ask for both STARTTLS (tls=1) and SSL (smtps:// or ssl=1)")
    timeout = None
    if "timeout" in options:
        timeout = int(options["timeout"]) if options["timeout"].isdigit() else 0
        if timeout < 1:
            raise ImproperlyConfigured(f"{name}: timeout must be a whole number of seconds, at least 1")
    return EmailSettings(
        backend=_SMTP,
        host=parts.hostname,
        port=port if port else (465 if use_ssl else 587 if use_tls else 25),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=timeout,
    )


def env_email_address(name: str, default: str) -> str:
    """An address such as ``ntrdb <noreply@ntrdb.example>`` or ``noreply@ntrdb.example``."""
    raw = (os.environ.get(name, "").strip() or default).strip()
    address = parseaddr(raw)[1]
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured(f"{name} must be an email address, e.g. ntrdb <noreply@ntrdb.example>; got {raw!r}")
    return raw


def _url_flag(name: str, options: dict[str, str], key: str) -> bool:
    value = options.get(key)
    if value is None:
        return False
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: {key} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def _redacted(raw: str) -> str:
    """``raw`` with any password replaced, so an error message never prints one."""
    parts = urlsplit(raw.strip())
    try:
        password = parts.password
    except ValueError:
        password = None
    if password is None:
        return raw
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()
