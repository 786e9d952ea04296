"""A real site for the server tests: gunicorn on a free loopback port over a temporary SQLite file.

The database (migrated, seeded, one member) and the collected static files are built once
per test session; each test gets its own copy of the database.
"""

from pathlib import Path

import pytest

from tests.tooling.site import MEMBER, MEMBER_PASSWORD, Site, copy_sqlite
from tooling.server import manage, production_env


@pytest.fixture(scope="session")
def site_template(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site-template")
    database, static = root / "template.sqlite3", root / "static"
    env = production_env(f"sqlite:///{database}", static)
    manage(env, "migrate", "-v0")
    manage(env, "load_seeds")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user({MEMBER!r}, password={MEMBER_PASSWORD!r}, birth_date='1990-05-05')",
    )
    return database, static


@pytest.fixture
def site(site_template, tmp_path) -> Site:
    template, static = site_template
    database = tmp_path / "site.sqlite3"
    copy_sqlite(template, database)
    return Site(database, production_env(f"sqlite:///{database}", static, HOLD_DIR=str(tmp_path)))
