from django.urls import path

from frontend import match, views
from frontend.results import results as results_ledger

app_name = "frontend"
urlpatterns = [
    path("", views.home, name="home"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("papers/<slug:citation_key>/", views.paper, name="paper"),
    path("papers/<slug:citation_key>/bibtex", views.paper_bibtex, name="paper-bibtex"),
    path("compare/", views.compare, name="compare"),
    path("results/", results_ledger, name="results"),
    path("match/", match.match, name="match"),
    path("favicon.ico", views.favicon, name="favicon"),
]
