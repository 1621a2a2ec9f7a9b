"""Publication pages for staff. Only document and redaction ids appear in these URLs."""

from django.urls import path

from redress.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.documents, name="documents"),
    path("<int:document_id>/", views.document, name="document"),
    path("<int:document_id>/add/", views.add_redaction, name="add"),
    path("<int:document_id>/undo/<int:redaction_id>/", views.undo_redaction, name="undo"),
    path("<int:document_id>/submit/", views.submit, name="submit"),
    path("<int:document_id>/approve/", views.approve, name="approve"),
    path("<int:document_id>/download/", views.download, name="download"),
]
