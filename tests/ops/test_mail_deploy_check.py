"""`manage.py check --deploy` warns when production mail would reach nobody or block requests."""

from tests.ops.helpers import production_env, run_python


def _deploy_check(**overrides):
    return run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides))


def test_production_without_mail_settings_is_flagged():
    result = _deploy_check(DJANGO_HTTPS="1", EMAIL_URL="", DEFAULT_FROM_EMAIL="", NTRDB_TASKS_BACKEND="")
    assert result.returncode != 0
    for check_id in ("ntrdb.W001", "ntrdb.W002", "ntrdb.W003"):
        assert check_id in result.stderr, result.stderr
    assert "EMAIL_URL" in result.stderr
