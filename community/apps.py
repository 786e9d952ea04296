from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self):
        # Community is the top of the app order: it plugs its reviews, comments and posts into the
        # pages of the apps below, and keeps their data right, through their seams
        # (docs/architecture.md, "Seams").
        from accounts import sections as accounts_sections
        from accounts.services import register_member_deletion_hook
        from catalog import sections as catalog_sections
        from community import services, views
        from core import curation_log
        from glossary import sections as glossary_sections

        catalog_sections.work_page.register(views.review_section)
        catalog_sections.home_page.register(views.recently_reviewed_section)
        glossary_sections.term_page.register(views.comment_section)
        accounts_sections.member_page.register(views.member_posts_section)
        accounts_sections.profile_page.register(views.notification_links_section)
        accounts_sections.profile_page.register(views.own_posts_section)
        register_member_deletion_hook(services.member_deletion_recount)
        curation_log.register_recorder(services.moderation_log)
