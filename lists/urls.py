from django.urls import path

from lists import transfer_views

app_name = "lists"

urlpatterns = [
    # A member's own list, exported and imported (lists/transfer_views.py).
    path("members/<str:username>/list/export/", transfer_views.export_page, name="export"),
    path("members/<str:username>/list/export/<str:filename>", transfer_views.export_file, name="export-file"),
    path("members/<str:username>/list/import/", transfer_views.import_page, name="import"),
    path("members/<str:username>/list/import/confirm/", transfer_views.import_confirm, name="import-confirm"),
]
