from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.order_list, name="list"),
    path("orders/export.csv", views.order_export, {"format": "csv"}, name="export_csv"),
    path("orders/export.xlsx", views.order_export, {"format": "xlsx"}, name="export_xlsx"),
    path("orders/<id:pk>/", views.order_detail, name="detail"),
    path("products/", views.product_list, name="product_list"),
    path("products/export.csv", views.product_export, {"format": "csv"}, name="product_export_csv"),
    path("products/export.xlsx", views.product_export, {"format": "xlsx"}, name="product_export_xlsx"),
    path("products/<id:pk>/", views.product_detail, name="product"),
]
