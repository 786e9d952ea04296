from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("age-check/", views.age_gate, name="age-gate"),
]
