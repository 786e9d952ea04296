from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Personal lists"

    def ready(self):
        # A deleted member's votes and entries leave the works they listed: their scores and
        # popularity are worked out again (docs/architecture.md, "Seams").
        from accounts.services import register_member_deletion_hook
        from lists import services

        register_member_deletion_hook(services.member_deletion_recount)
