from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app may use; core itself imports no other ntrdb app (docs/architecture.md)."""

    name = "core"
    verbose_name = "ntrdb core"
