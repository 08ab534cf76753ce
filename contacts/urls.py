from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("partners/<int:partner_pk>/contacts/new/", views.contact_create, name="create"),
    path("contacts/<int:pk>/", views.contact_detail, name="detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="edit"),
    path("contacts/<int:pk>/export/", views.contact_export, name="export"),
    path("contacts/<int:pk>/anonymise/", views.contact_anonymise, name="anonymise"),
]
