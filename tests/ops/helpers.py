"""Run the project in a child process with its own environment (settings are read once, at start-up)."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# The environment variables config/settings.py reads; the child gets none of ours.
_OUR_PREFIXES = ("DJANGO_", "NTRDB_", "DATABASE_", "REDIS_", "EMAIL_", "DEFAULT_FROM_EMAIL")


def production_env(**overrides) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(_OUR_PREFIXES)}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="ntrdb.example,testserver",
        DJANGO_LOG_LEVEL="CRITICAL",
        EMAIL_URL="smtp://ntrdb:secret@mail.ntrdb.example:587?tls=1",
        DEFAULT_FROM_EMAIL="ntrdb <noreply@ntrdb.example>",
        NTRDB_TASKS_BACKEND="database",
    )
    env.update(overrides)
    return env


def run_python(code_or_args, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    """``python -c CODE`` (a str) or ``python ARGS...`` (a list) in the project directory."""
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else list(code_or_args)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
