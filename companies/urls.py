from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("company/switch/", views.company_switch, name="switch"),
    path("me/", views.profile, name="profile"),
    path("org/", views.organisation, name="organisation"),
    path("org/people/<int:pk>/", views.person_detail, name="person"),
    path("org/people/<int:pk>/supervisors/add/", views.supervisor_add, name="supervisor_add"),
    path("org/supervisors/<int:pk>/delete/", views.supervisor_edge_delete, name="edge_delete"),
    path("org/departments/<int:pk>/", views.department_detail, name="department"),
]
