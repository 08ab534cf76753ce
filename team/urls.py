from django.urls import path

from team import views

app_name = "team"
urlpatterns = [
    path("", views.team_index, name="index"),
    path("partners/", views.team_partners, name="partners"),
    path("digest/", views.digest_settings, name="digest_settings"),
]
