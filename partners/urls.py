from django.urls import path

from companies.saved_views import opens_default_view
from partners import views

app_name = "partners"

urlpatterns = [
    path("", opens_default_view("partners")(views.partner_list), name="list"),
    path("new/", views.partner_create, name="create"),
    path("new/lookup/", views.partner_lookup, name="lookup"),
    path("export.csv", views.partner_export, name="export"),
    path("<id:pk>/", views.partner_detail, name="detail"),
    path("<id:pk>/edit/", views.partner_edit, name="edit"),
    path("<id:pk>/records/", views.partner_records, name="records"),
    path("<id:pk>/adopt/", views.partner_adopt, name="adopt"),
]
