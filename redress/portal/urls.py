"""The party portal's routes. A case appears only by its numeric id; nothing personal."""

from django.urls import path

from redress.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
]
