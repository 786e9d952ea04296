from django.urls import path

from lists import views

app_name = "lists"

# /members/<name>/list/import/ and /export/ belong to the list's transfer (lists/transfer_views.py).
urlpatterns = [
    path("works/<slug:slug>/list/", views.entry_update, name="entry-update"),
    path("works/<slug:slug>/list/details/", views.entry_update, {"details": True}, name="entry-details"),
    path("works/<slug:slug>/list/remove/", views.entry_delete, name="entry-remove"),
    path("members/<str:username>/list/", views.member_list, name="member-list"),
    path("list/settings/", views.settings_update, name="settings"),
]
