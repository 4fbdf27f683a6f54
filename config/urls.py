from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from config.views import healthz
from papers.export_views import paper_bibtex, papers_bibtex
from papers.views import PaperViewSet
from taxonomy.feeds import CategoryFeed, PapersFeed
from taxonomy.views import (
    CategoryDetailView,
    CategoryTreeView,
    ChangeListView,
    CompareView,
    DimensionValueViewSet,
    PlacementViewSet,
    awesome_markdown_view,
)

router = SimpleRouter()
router.register("papers", PaperViewSet, basename="paper")
router.register("placements", PlacementViewSet, basename="placement")
router.register("values", DimensionValueViewSet, basename="value")

api_patterns = [
    path("imports/", include("papers.import_urls")),
    # Before the router, so "export.bib" is not read as a citation key.
    path("papers/export.bib", papers_bibtex, name="papers-bibtex"),
    path("papers/<slug:citation_key>/bibtex", paper_bibtex, name="paper-bibtex"),
    *router.urls,
    path("categories/", CategoryTreeView.as_view(), name="category-list"),
    path("categories/<slug:slug>/", CategoryDetailView.as_view(), name="category-detail"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("awesome.md", awesome_markdown_view, name="awesome-markdown"),
    path("changes/", ChangeListView.as_view(), name="change-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include((api_patterns, "api"))),
    path("feeds/papers.atom", PapersFeed(), name="feed-papers"),
    path("feeds/<slug:slug>.atom", CategoryFeed(), name="feed-category"),
    path("", include("frontend.urls")),
]

handler400 = "config.views.bad_request"
handler404 = "frontend.views.not_found"
