from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/<id:pk>/", views.order_detail, name="detail"),
    path("products/<id:pk>/", views.product_detail, name="product"),
]
