from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import views, views_docs, views_tokens
from api.permissions import IsCompanyMember

app_name = "api"

router = SimpleRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("threads", views.ThreadViewSet, basename="thread")
router.register("communications", views.CommunicationViewSet, basename="communication")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("events", views.EventViewSet, basename="event")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("orders", views.OrderViewSet, basename="order")
router.register("products", views.ProductViewSet, basename="product")
router.register("invoices", views.InvoiceViewSet, basename="invoice")

urlpatterns = [
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<id:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    # The schema needs a member too (SpectacularAPIView would otherwise answer anyone).
    path("v1/schema/", SpectacularAPIView.as_view(permission_classes=[IsCompanyMember]), name="schema"),
    path("v1/docs/", views_docs.api_docs, name="docs"),
    path("v1/", include(router.urls)),
]
