"""Who compared against whom, as the API shows it: a paper's baselines and the papers using it as one, how
often each system is a baseline, and a category's pairs that never compared (from taxonomy.baselines)."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from taxonomy.baselines import UNCOMPARED_PAIRS_SHOWN


def _paper_url(key: str, context: dict) -> str:
    return reverse("api:paper-detail", args=[key], request=context.get("request"))


class ComparedAgainstSerializer(serializers.Serializer):
    """One of the paper's baselines (a taxonomy.baselines.ComparedAgainst)."""

    name = serializers.CharField(help_text="The system as the paper names it.")
    paper = serializers.SerializerMethodField(help_text="Citation key of the catalogue paper it is; null if none.")
    url = serializers.SerializerMethodField(help_text="API URL of that catalogue paper; null if none.")
    confirmed = serializers.BooleanField()

    def get_paper(self, item) -> str | None:
        return item.paper.citation_key if item.paper else None

    def get_url(self, item) -> str | None:
        return _paper_url(item.paper.citation_key, self.context) if item.paper else None


class PaperBriefSerializer(serializers.Serializer):
    """A catalogue paper named in a comparison: its key, title, year and API URL."""

    key = serializers.CharField(source="citation_key")
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, paper) -> str:
        return _paper_url(paper.citation_key, self.context)


class BaselineUseSerializer(serializers.Serializer):
    """A system used as a baseline (a taxonomy.baselines.BaselineUse)."""

    name = serializers.CharField(help_text="Its most common spelling among the papers using it.")
    linked = serializers.SerializerMethodField(help_text="The system is a paper of the catalogue.")
    paper = PaperBriefSerializer(allow_null=True, help_text="That catalogue paper; null when unlinked.")
    count = serializers.IntegerField(help_text="How many catalogue papers use it as a baseline.")
    papers = PaperBriefSerializer(many=True, help_text="Those papers, newest first.")

    def get_linked(self, use) -> bool:
        return use.paper is not None


class UncomparedPairSerializer(serializers.Serializer):
    earlier = PaperBriefSerializer()
    later = PaperBriefSerializer()
    years_apart = serializers.IntegerField()


class UncomparedPairsSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="Which pairs are listed, in one sentence.")
    count = serializers.IntegerField(help_text="How many such pairs there are in all.")
    pairs = UncomparedPairSerializer(many=True, help_text=f"The most recent (at most {UNCOMPARED_PAIRS_SHOWN}).")
