"""Every /api/ URL (included by config.urls under the "api" namespace)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.baseline_views import BaselineUsageView
from api.export_views import PaperBibtexView, PapersBibtexView
from api.import_views import ArxivImportView, BibtexImportView, ImportRunView
from api.match_views import MatchView
from api.paper_views import PaperViewSet
from api.results_views import ResultLedgerView
from api.taxonomy_views import (
    AwesomeMarkdownView,
    CategoryDetailView,
    CategoryTreeView,
    ChangeListView,
    CompareView,
    DimensionValueViewSet,
    PlacementViewSet,
)

router = SimpleRouter()
router.register("papers", PaperViewSet, basename="paper")
router.register("placements", PlacementViewSet, basename="placement")
router.register("values", DimensionValueViewSet, basename="value")

urlpatterns = [
    path("imports/bibtex/", BibtexImportView.as_view(), name="import-bibtex"),
    path("imports/arxiv/", ArxivImportView.as_view(), name="import-arxiv"),
    path("imports/<int:pk>/", ImportRunView.as_view(), name="import-detail"),
    # Before the router, so "export.bib" is not read as a citation key.
    path("papers/export.bib", PapersBibtexView.as_view(), name="papers-bibtex"),
    path("papers/<slug:citation_key>/bibtex", PaperBibtexView.as_view(), name="paper-bibtex"),
    *router.urls,
    path("categories/", CategoryTreeView.as_view(), name="category-list"),
    path("categories/<slug:slug>/", CategoryDetailView.as_view(), name="category-detail"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("match/", MatchView.as_view(), name="match"),
    path("awesome.md", AwesomeMarkdownView.as_view(), name="awesome-markdown"),
    path("changes/", ChangeListView.as_view(), name="change-list"),
    path("results/", ResultLedgerView.as_view(), name="results"),
    path("baselines/", BaselineUsageView.as_view(), name="baselines"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
