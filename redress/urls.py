"""URL routes. Case data never appears in a URL beyond its numeric id."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from redress.api.api import api
from redress.security import signin

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False)),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("redress.cases.urls")),
    path("cases/", include("redress.evidence.urls")),
    path("report/", include("redress.intake.urls")),
    path("portal/", include("redress.portal.urls")),
    path("privacy/", include("redress.privacy.urls")),
    path("transparency/", include("redress.transparency.urls")),
    path("publication/", include("redress.publication.urls")),
    path("api/v1/", api.urls),
    path("analytics/", include("redress.analytics.urls")),
    path("survey/", include("redress.analytics.survey_urls")),
]
