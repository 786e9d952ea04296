from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Personal lists"

    def ready(self):
        # A deleted member's votes leave the scores of the works they rated (docs/architecture.md, "Seams").
        from accounts.services import register_member_deletion_hook
        from lists import votes

        register_member_deletion_hook(votes.member_deletion_recount)
