from django.urls import path

from companies.saved_views import opens_default_view
from receivables import views

app_name = "receivables"

urlpatterns = [
    path("receivables/", views.desk, name="desk"),
    path("receivables/letters/", opens_default_view("letters")(views.letter_list), name="letters"),
    path("receivables/letters/<id:pk>/", views.letter_detail, name="letter"),
    path("receivables/partners/<id:pk>/", views.partner_receivables, name="partner"),
    path("receivables/preview/", views.preview, name="preview"),
    path("receivables/run/", views.run_now, name="run"),
]
