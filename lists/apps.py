from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Personal lists"

    def ready(self):
        # Lists build on catalog and accounts: they plug the member's entry into the work page, a
        # status control into every card, and the list's statistics and settings into member pages,
        # through those pages' seams; a deleted member's votes and entries leave the works they
        # listed, whose scores and popularity are worked out again; and what members completed
        # together joins the tags in each work's similar works (docs/architecture.md, "Seams").
        from accounts import sections as accounts_sections
        from accounts.services import register_member_deletion_hook
        from catalog import cards, similar
        from catalog import sections as catalog_sections
        from lists import colisting, services, views
        from lists.cards import card_controls

        catalog_sections.work_page.register(views.entry_section)
        cards.register_card_controls(card_controls)
        accounts_sections.member_page.register(views.member_stats_section)
        accounts_sections.profile_page.register(views.settings_section)
        register_member_deletion_hook(services.member_deletion_recount)
        similar.register_pair_source(colisting.colisted_pairs)
