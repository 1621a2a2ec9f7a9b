"""The party portal's routes. A case appears only by its numeric id; nothing personal."""

from django.urls import path

from redress.portal import staff, views

app_name = "portal"

urlpatterns = [
    path("", views.sign_in, name="sign_in"),
    path("link/<str:token>/", views.follow_link, name="link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("cases/<int:case_id>/answer/", views.answer, name="answer"),
    path("cases/<int:case_id>/extension/", views.extension, name="extension"),
    path("cases/<int:case_id>/companion/", views.companion, name="companion"),
    path("cases/<int:case_id>/appeal/", views.appeal, name="appeal"),
    path("staff/requests/", staff.request_list, name="staff_requests"),
    path("staff/requests/<int:request_id>/", staff.answer_request, name="staff_answer_request"),
]
