from django.urls import path

from companies.saved_views import opens_default_view
from contacts import picker, views

app_name = "contacts"

urlpatterns = [
    path("partners/<id:partner_pk>/contacts/new/", views.contact_create, name="create"),
    path("contacts/", opens_default_view("contacts")(views.contact_list), name="list"),
    path("contacts/export.csv", views.contact_list_export, {"format": "csv"}, name="list_export_csv"),
    path("contacts/export.xlsx", views.contact_list_export, {"format": "xlsx"}, name="list_export_xlsx"),
    path("contacts/options/", picker.contact_options, name="options"),
    path("contacts/<id:pk>/", views.contact_detail, name="detail"),
    path("contacts/<id:pk>/edit/", views.contact_edit, name="edit"),
    path("contacts/<id:pk>/export/", views.contact_export, name="export"),
    path("contacts/<id:pk>/anonymise/", views.contact_anonymise, name="anonymise"),
]
