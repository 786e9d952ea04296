from django.urls import path

from community import views
from community.feeds import WorkReviewsFeed

app_name = "community"

urlpatterns = [
    path("works/<slug:slug>/reviews/", views.review_create, name="review-create"),
    path("works/<slug:slug>/reviews/feed/", WorkReviewsFeed(), name="review-feed"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review-edit"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="review-delete"),
    path("reviews/<int:pk>/helpful/", views.review_helpful, name="review-helpful"),
    path("glossary/<slug:slug>/comments/", views.comment_create, name="comment-create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("reviews/<int:pk>/report/", views.report, {"kind": "review"}, name="review-report"),
    path("comments/<int:pk>/report/", views.report, {"kind": "comment"}, name="comment-report"),
    path("suggest-a-term/", views.term_suggest, name="term-suggest"),
    path("accounts/notifications/", views.notification_list, name="notifications"),
    path("accounts/notifications/settings/", views.notification_settings, name="notification-settings"),
    path("accounts/notifications/read/", views.notification_read_all, name="notifications-read-all"),
    path("accounts/notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("accounts/notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
]
