from django.urls import path

from companies import views, views_saved_views, views_sharing

app_name = "companies"

urlpatterns = [
    path("company/switch/", views.company_switch, name="switch"),
    path("me/", views.profile, name="profile"),
    path("org/", views.organisation, name="organisation"),
    path("org/people/<id:pk>/", views.person_detail, name="person"),
    path("org/people/<id:pk>/supervisors/add/", views.supervisor_add, name="supervisor_add"),
    path("org/supervisors/<id:pk>/delete/", views.supervisor_edge_delete, name="edge_delete"),
    path("org/departments/<id:pk>/", views.department_detail, name="department"),
    path("shares/<slug:kind>/<id:pk>/", views_sharing.share_manage, name="share"),
    path("shares/<id:pk>/revoke/", views_sharing.share_revoke_view, name="share_revoke"),
    path("views/save/", views_saved_views.saved_view_save, name="saved_view_save"),
    path("views/<id:pk>/edit/", views_saved_views.saved_view_edit, name="saved_view_edit"),
    path("views/<id:pk>/delete/", views_saved_views.saved_view_delete_view, name="saved_view_delete"),
    path("views/<id:pk>/default/", views_saved_views.saved_view_default, name="saved_view_default"),
]
