"""NTRDB_TASKS_BACKEND=database: the task is stored, and `manage.py db_worker --batch` sends it.

Runs manage.py in a subprocess on a fresh SQLite file, because the backend adds an app (and its
migrations) to INSTALLED_APPS, which a running test process cannot change.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = """
from accounts.tasks import send_mail_task
result = send_mail_task.enqueue(subject="Queued", body="Body", to=["a@example.org"])
print(result.status)
"""


def _manage(tmp_path, *args, stdin=None):
    env = {
        **os.environ,
        "NTRDB_TASKS_BACKEND": "database",
        "NTRDB_SQLITE_PATH": str(tmp_path / "tasks.sqlite3"),
        "EMAIL_URL": "console://",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    for name in (
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
    ):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_the_database_backend_stores_the_task_and_the_worker_sends_it(tmp_path):
    _manage(tmp_path, "migrate", "--verbosity", "0")
    enqueued = _manage(tmp_path, "shell", "--no-imports", "-c", ENQUEUE)
    assert enqueued.stdout.strip().endswith("READY")
    worked = _manage(tmp_path, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    assert "Subject: Queued" in worked.stdout
