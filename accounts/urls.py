from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("age-check/", views.age_gate, name="age-gate"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("email/", views.email_change_view, name="email-change"),
    path("email/cancel/", views.email_change_cancel, name="email-change-cancel"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("delete/", views.delete_account, name="delete"),
    path("profile/", views.profile, name="profile"),
    path("members/<str:username>/", views.member_detail, name="member-detail"),
]
