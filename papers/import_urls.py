"""/api/imports/... (included by config/urls.py inside the "api" namespace)."""

from django.urls import path

from papers.import_views import ArxivImportView, BibtexImportView, ImportRunView

urlpatterns = [
    path("bibtex/", BibtexImportView.as_view(), name="import-bibtex"),
    path("arxiv/", ArxivImportView.as_view(), name="import-arxiv"),
    path("<int:pk>/", ImportRunView.as_view(), name="import-detail"),
]
