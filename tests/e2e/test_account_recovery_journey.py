"""A member who forgot their password gets a link by email (over real SMTP), sets a new one and logs in."""

import pytest
from playwright.sync_api import expect

from tests.accounts.smtp import SMTPServer, link_in
from tests.builders import make_member

NEW_PASSWORD = "a-new-and-long-password-7"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield server
    server.stop()


def test_forgot_password_then_reset_by_email_and_log_in(visitor, catalog, smtp):
    page = visitor.page
    make_member("forgetful", email="forgetful@example.org")

    visitor.visit("/accounts/login/")
    with visitor.lands():
        page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email").fill("forgetful@example.org")
    with visitor.lands():
        page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    message = smtp.only_message_to("forgetful@example.org")
    visitor.visit(link_in(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    with visitor.lands():
        page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password was changed")

    # The same link does not work twice.
    visitor.visit(link_in(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or was already used")

    visitor.visit("/accounts/login/")
    page.get_by_label("Username").fill("forgetful")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    with visitor.lands():
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
