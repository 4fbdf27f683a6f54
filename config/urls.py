from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from papers.views import PaperViewSet
from taxonomy.views import CategoryDetailView, CategoryTreeView, CompareView, awesome_markdown_view

router = SimpleRouter()
router.register("papers", PaperViewSet, basename="paper")

api_patterns = [
    path("imports/", include("papers.import_urls")),
    *router.urls,
    path("categories/", CategoryTreeView.as_view(), name="category-list"),
    path("categories/<slug:slug>/", CategoryDetailView.as_view(), name="category-detail"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("awesome.md", awesome_markdown_view, name="awesome-markdown"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include("frontend.urls")),
]

handler404 = "frontend.views.not_found"
