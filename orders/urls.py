from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("products/<int:pk>/", views.product_detail, name="product"),
]
