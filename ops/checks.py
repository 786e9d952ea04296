"""Deployment checks (`manage.py check --deploy`) for what the site's mail needs in production."""

from django.conf import settings
from django.core import checks

_NOWHERE = {
    "django.core.mail.backends.console.EmailBackend": "printed to the console",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}


@checks.register("mail", deploy=True)
def mail_leaves_the_site(app_configs=None, **kwargs):
    found = []
    where = _NOWHERE.get(settings.EMAIL_BACKEND)
    if where:
        found.append(
            checks.Warning(
                f"Mail is {where}: password-reset and address-confirmation links reach nobody.",
                hint="Set EMAIL_URL (e.g. smtp://user:password@mail.example:587?tls=1) or EMAIL_HOST.",
                id="ntrdb.W001",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        found.append(
            checks.Warning(
                "DEFAULT_FROM_EMAIL is an address at localhost, which mail servers reject or mark as spam.",
                hint="Set DEFAULT_FROM_EMAIL, e.g. ntrdb <noreply@ntrdb.example>.",
                id="ntrdb.W002",
            )
        )
    if settings.NTRDB_TASKS_BACKEND == "immediate":
        found.append(
            checks.Warning(
                "Mail is sent from the web process as each request ends (NTRDB_TASKS_BACKEND=immediate).",
                hint="Set NTRDB_TASKS_BACKEND=database and run manage.py db_worker (README, 'Mail and background tasks').",
                id="ntrdb.W003",
            )
        )
    return found
