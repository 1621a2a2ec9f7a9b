"""Subject access pages. Only request ids appear in these URLs."""

from django.urls import path

from redress.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.subject_access, name="requests"),
    path("<int:request_id>/archive/", views.download_archive, name="archive"),
]
