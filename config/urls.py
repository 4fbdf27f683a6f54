from django.contrib import admin
from django.urls import include, path

from api.health import healthz
from frontend.feeds import CategoryFeed, PapersFeed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include(("api.urls", "api"))),
    path("feeds/papers.atom", PapersFeed(), name="feed-papers"),
    path("feeds/<slug:slug>.atom", CategoryFeed(), name="feed-category"),
    path("", include("frontend.urls")),
]

handler400 = "api.health.bad_request"
handler404 = "frontend.views.not_found"
