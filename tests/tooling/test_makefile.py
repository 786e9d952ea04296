"""The Makefile from a clean clone (a .venv not made yet), read with `make -n`: the site's targets install
only what the site needs, the test targets add the test tools, and `make run` says where the site is.

Also: the site, the benchmark and the load test import nothing from the test tools, so the runtime
install really is enough for them. The README's first lines say the same as `make run`.
"""

import shutil
import subprocess
import sys
import textwrap

import pytest

from tooling.server import BASE_DIR

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

RUNTIME_INSTALL = "pip install --quiet -e .\n"
TEST_INSTALL = "pip install --quiet -e '.[test]'"
LINT_INSTALL = "pip install --quiet -e '.[test,lint]'"
TEST_TOOLS = ("pytest", "pytest_django", "playwright", "hypothesis", "aiosmtpd")


def dry_run(tmp_path, target: str, *variables: str) -> str:
    """What `make <target>` would run from a clean clone: the commands, in order, none of them run."""
    venv = tmp_path / "clean-venv"
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", f"VENV={venv}", *variables, target],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("target", ["run", "setup", "migrate", "seed", "check", "backup", "serve", "bench", "loadtest"])
def test_the_sites_targets_install_the_site_without_the_test_tools(tmp_path, target):
    commands = dry_run(tmp_path, target)
    assert RUNTIME_INSTALL in commands
    assert "[test" not in commands and "[lint" not in commands


@pytest.mark.parametrize(
    "target, runs",
    [
        ("test", "-m tests.run"),
        ("test-sqlite", "-m tests.run --only sqlite"),
        ("test-postgres", "-m tests.run --only postgresql"),
        ("fuzz", "-m pytest tests/fuzz"),
    ],
)
def test_the_test_targets_install_the_test_tools_first(tmp_path, target, runs):
    commands = dry_run(tmp_path, target)
    assert RUNTIME_INSTALL in commands and TEST_INSTALL in commands
    assert commands.index(RUNTIME_INSTALL) < commands.index(TEST_INSTALL) < commands.index(runs)


def test_lint_installs_the_lint_tools_before_it_runs_them(tmp_path):
    commands = dry_run(tmp_path, "lint")
    assert commands.index(TEST_INSTALL) < commands.index(LINT_INSTALL) < commands.index("ruff check .")


def test_ci_runs_lint_then_test():
    script = (BASE_DIR / ".ci" / "run").read_text()
    assert script.index("make lint") < script.index("make test")


def test_make_run_says_where_the_site_and_the_admin_are(tmp_path):
    commands = dry_run(tmp_path, "run")
    announced = commands[: commands.index("manage.py runserver")]
    assert "http://127.0.0.1:8000/ (another port: make run PORT=8080)" in announced
    assert "http://127.0.0.1:8000/admin/" in announced and "make superuser" in announced


def test_make_run_on_another_port_announces_that_port(tmp_path):
    commands = dry_run(tmp_path, "run", "PORT=8080")
    assert "ntrdb is served at http://127.0.0.1:8080/" in commands
    assert "http://127.0.0.1:8080/admin/" in commands
    assert "manage.py runserver 127.0.0.1:8080" in commands


def test_the_site_the_benchmark_and_the_load_test_need_no_test_tool():
    blocked = ", ".join(repr(name) for name in TEST_TOOLS)
    code = textwrap.dedent(
        f"""
        import importlib.abc, os, sys

        class NoTestTools(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in ({blocked}):
                    raise ImportError(f"{{name}} is a test tool")

        sys.meta_path.insert(0, NoTestTools())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        import config.urls, config.wsgi, tooling.loadtest
        from tooling.management.commands import benchmark, generate_demo_data, load_seeds
        print("imported")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, text=True)
    assert result.stdout.strip() == "imported", result.stderr[-3000:]


def test_the_readme_starts_with_where_the_site_is_and_how_to_reach_the_admin():
    opening = "\n".join((BASE_DIR / "README.md").read_text().splitlines()[:12])
    assert "http://127.0.0.1:8000/" in opening
    assert "make run PORT=8080" in opening
    assert "make superuser" in opening and "/admin/" in opening
