from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/columns/", views.mapping, name="mapping"),
    path("<id:pk>/preview/", views.preview, name="preview"),
    path("<id:pk>/start/", views.start, name="start"),
    path("<id:pk>/failures.csv", views.failures, {"format": "csv"}, name="failures_csv"),
    path("<id:pk>/failures.xlsx", views.failures, {"format": "xlsx"}, name="failures_xlsx"),
]
