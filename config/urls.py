from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from papers.views import PaperViewSet
from taxonomy.views import CategoryDetailView, CategoryTreeView

router = SimpleRouter()
router.register("papers", PaperViewSet, basename="paper")

api_patterns = [
    path("imports/", include("papers.import_urls")),
    *router.urls,
    path("categories/", CategoryTreeView.as_view(), name="category-list"),
    path("categories/<slug:slug>/", CategoryDetailView.as_view(), name="category-detail"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include("frontend.urls")),
]

handler404 = "frontend.views.not_found"
