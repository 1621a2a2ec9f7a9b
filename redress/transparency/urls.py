"""Public statistics routes. Only organisations' slugs and quarters appear in them."""

from django.urls import path, register_converter

from redress.transparency import views


class QuarterConverter:
    regex = r"\d{4}Q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(QuarterConverter, "quarter")

app_name = "transparency"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:organisation>/<quarter:period>/", views.release_page, name="release"),
    path("<slug:organisation>/<quarter:period>.csv", views.release_csv, name="release_csv"),
    path("<slug:organisation>/<quarter:period>.json", views.release_json, name="release_json"),
]
