"""The mail settings read from the environment (config/env.py): EMAIL_URL or the separate
EMAIL_* variables, the console by default, and a clear refusal of anything malformed."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_email, env_email_address, parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
_VARIABLES = (
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


@pytest.fixture
def env(monkeypatch):
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_any_variable_mail_goes_to_the_console(env):
    assert env_email().backend == CONSOLE


def test_an_smtp_url_with_starttls(env):
    env.setenv("EMAIL_URL", "smtp://mailer:s3cret@mail.example:2525?tls=1")
    email = env_email()
    assert (email.backend, email.host, email.port, email.user, email.password) == (
        SMTP,
        "mail.example",
        2525,
        "mailer",
        "s3cret",
    )
    assert email.use_tls and not email.use_ssl


def test_smtps_means_ssl_and_port_465_by_default():
    email = parse_email_url("EMAIL_URL", "smtps://mailer:pw@mail.example")
    assert email.use_ssl and not email.use_tls
    assert email.port == 465


def test_the_user_and_password_are_percent_decoded():
    email = parse_email_url("EMAIL_URL", "smtp://me%40example.org:p%3Ass%40w@mail.example:587?tls=yes")
    assert email.user == "me@example.org"
    assert email.password == "p:ss@w"


def test_plain_smtp_defaults_to_port_25_and_takes_a_timeout():
    email = parse_email_url("EMAIL_URL", "smtp://relay.internal?timeout=7")
    assert (email.port, email.use_tls, email.use_ssl, email.timeout) == (25, False, False, 7)


def test_console_url():
    assert parse_email_url("EMAIL_URL", "console://").backend == CONSOLE


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtpx://mail.example", "must start with one of"),
        ("mail.example:25", "must start with one of"),
        ("smtp://", "must name a host"),
        ("smtp://mail.example:notaport", "port"),
        ("smtp://mail.example:99999", "port"),
        ("smtp://mail.example?tls=maybe", "tls must be one of"),
        ("smtp://mail.example?starttls=1", "takes the options"),
        ("smtps://mail.example?tls=1", "both"),
        ("smtp://mail.example?timeout=soon", "timeout"),
        ("smtp://mail.example?timeout=0", "timeout"),
    ],
)
def test_a_malformed_url_is_refused_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        parse_email_url("EMAIL_URL", url)
    assert "EMAIL_URL" in str(caught.value)


def test_the_password_is_never_in_the_message():
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_email_url("EMAIL_URL", "smtpz://mailer:hunter2@mail.example")
    assert "hunter2" not in str(caught.value)


def test_the_separate_variables(env):
    env.setenv("EMAIL_HOST", "mail.example")
    env.setenv("EMAIL_HOST_USER", "mailer")
    env.setenv("EMAIL_HOST_PASSWORD", "pw")
    env.setenv("EMAIL_USE_SSL", "1")
    email = env_email()
    assert (email.backend, email.host, email.port, email.user, email.password, email.use_ssl) == (
        SMTP,
        "mail.example",
        465,
        "mailer",
        "pw",
        True,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_URL": "smtp://a.example", "EMAIL_HOST": "b.example"}, "either EMAIL_URL or EMAIL_HOST"),
        ({"EMAIL_PORT": "587"}, "without EMAIL_HOST"),
        ({"EMAIL_HOST": "a.example", "EMAIL_PORT": "five"}, "EMAIL_PORT must be an integer"),
        ({"EMAIL_HOST": "a.example", "EMAIL_PORT": "70000"}, "at most 65535"),
        ({"EMAIL_HOST": "a.example", "EMAIL_USE_TLS": "ture"}, "EMAIL_USE_TLS must be one of"),
        ({"EMAIL_HOST": "a.example", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
    ],
)
def test_bad_separate_variables_are_refused(env, variables, message):
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_email()


def test_the_from_address(monkeypatch):
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "ntrdb <noreply@ntrdb.example>")
    assert env_email_address("DEFAULT_FROM_EMAIL", "x@localhost") == "ntrdb <noreply@ntrdb.example>"
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "not an address")
    with pytest.raises(ImproperlyConfigured, match="DEFAULT_FROM_EMAIL must be an email address"):
        env_email_address("DEFAULT_FROM_EMAIL", "x@localhost")
