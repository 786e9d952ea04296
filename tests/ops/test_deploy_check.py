"""`manage.py check --deploy` is clean with the production environment the README documents."""

from tests.ops.helpers import production_env, run_python


def test_deploy_check_reports_no_issues_in_production():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(DJANGO_HTTPS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_a_production_site_without_https():
    # The same check does catch missing HTTPS settings, so the clean run above means something.
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(DJANGO_HTTPS="0"))
    assert result.returncode != 0
    # HSTS, SSL redirect, secure session cookie, secure CSRF cookie.
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr, result.stderr
