"""Atom feeds announcing papers newly accepted into the catalogue (placed in a category)."""

from django.contrib.syndication.views import Feed
from django.db.models import Max, Min
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from papers.models import Paper
from taxonomy.models import Category

FEED_LENGTH = 50


class PapersFeed(Feed):
    feed_type = Atom1Feed
    title = "HeteroGPU Papers: newly accepted papers"
    subtitle = "Papers on ML training and inference on heterogeneous GPU clusters, as they join the catalogue."
    link = "/"

    def items(self):
        # A paper is accepted when it is first placed in a category.
        return (
            Paper.objects.public()
            .with_authors()
            .annotate(accepted_at=Min("placements__created_at"))
            .filter(accepted_at__isnull=False)
            .order_by("-accepted_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, paper):
        return paper.title

    def item_description(self, paper):
        authors = ", ".join(author.name for author in paper.ordered_authors)
        venue = paper.venue_short or paper.venue
        return " — ".join(part for part in (authors, venue, paper.abstract) if part)

    def item_link(self, paper):
        return f"/papers/{paper.citation_key}/"

    def item_guid(self, paper):
        return f"heterogpu-papers:{paper.citation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, paper):
        return paper.accepted_at

    def item_updateddate(self, paper):
        return paper.updated_at


class CategoryFeed(PapersFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"HeteroGPU Papers: new in {category.name}"

    def link(self, category):
        return f"/categories/{category.slug}/"

    def items(self, category):
        # Newest placement in this category or below it.
        return (
            Paper.objects.public()
            .with_authors()
            .filter(placements__category__in=category.subtree_ids())
            .annotate(accepted_at=Max("placements__created_at"))
            .order_by("-accepted_at", "-pk")[:FEED_LENGTH]
        )
