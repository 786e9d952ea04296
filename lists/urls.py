from django.urls import path

from lists import transfer_views, views

app_name = "lists"

urlpatterns = [
    path("works/<slug:slug>/list/", views.entry_update, name="entry-update"),
    path("works/<slug:slug>/list/details/", views.entry_update, {"details": True}, name="entry-details"),
    path("works/<slug:slug>/list/remove/", views.entry_delete, name="entry-remove"),
    path("members/<str:username>/list/", views.member_list, name="member-list"),
    path("list/settings/", views.settings_update, name="settings"),
    path("for-you/", views.for_you_page, name="for-you"),
    # A member's own list, exported and imported (lists/transfer_views.py).
    path("members/<str:username>/list/export/", transfer_views.export_page, name="export"),
    path("members/<str:username>/list/export/<str:filename>", transfer_views.export_file, name="export-file"),
    path("members/<str:username>/list/import/", transfer_views.import_page, name="import"),
    path("members/<str:username>/list/import/confirm/", transfer_views.import_confirm, name="import-confirm"),
]
