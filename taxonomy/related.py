"""Related papers (a paper page shows them): same categories, shared techniques, similar titles.

Plain reads over the ORM in a fixed number of queries whatever the size of the catalogue; the
title similarity is computed in Python over (id, title) pairs, which stays cheap for thousands.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from papers.models import Paper
from taxonomy.models import DimensionValue, Placement

# Words that every title of this field shares say nothing about similarity.
STOPWORDS = frozenset(
    """a an and are as at by for from in into of on or over the to via with without under using towards toward its
    their your our is be can we that this these than large scale scalable efficient fast training inference
    model models gpu gpus cluster clusters heterogeneous heterogeneity distributed deep learning neural network
    networks system systems""".split()  # noqa: SIM905 - a word list reads better as text
)
_WORD_RE = re.compile(r"[a-z0-9]+")
# How much each kind of link counts towards relatedness.
CATEGORY_WEIGHT = 3.0
TECHNIQUE_WEIGHT = 2.0
TEXT_WEIGHT = 4.0
MIN_TEXT_SIMILARITY = 0.12


@dataclass
class RelatedPaper:
    paper: Paper
    score: float = 0.0
    categories: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    similar_text: bool = False

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.categories:
            reasons.append("Same category: " + ", ".join(self.categories))
        if self.techniques:
            reasons.append("Shared technique: " + ", ".join(self.techniques))
        if self.similar_text:
            reasons.append("Similar title")
        return reasons


def _words(title: str) -> list[str]:
    return [w for w in _WORD_RE.findall(title.lower()) if w not in STOPWORDS and len(w) > 2]


def title_similarities(paper_id: int, titles: dict[int, str]) -> dict[int, float]:
    """Cosine similarity of TF-IDF word vectors between one title and all the others."""
    documents = {pk: Counter(_words(title)) for pk, title in titles.items()}
    frequency = Counter(word for words in documents.values() for word in words)
    total = len(documents)

    def vector(words: Counter) -> dict[str, float]:
        return {w: n * math.log((1 + total) / (1 + frequency[w])) for w, n in words.items()}

    mine = vector(documents.get(paper_id, Counter()))
    mine_norm = math.sqrt(sum(v * v for v in mine.values()))
    if not mine_norm:
        return {}
    scores = {}
    for pk, words in documents.items():
        if pk == paper_id or not words.keys() & mine.keys():
            continue
        other = vector(words)
        dot = sum(weight * other.get(word, 0.0) for word, weight in mine.items())
        norm = math.sqrt(sum(v * v for v in other.values()))
        if norm:
            scores[pk] = dot / (mine_norm * norm)
    return scores


def related_papers(paper: Paper, *, limit: int = 6) -> list[RelatedPaper]:
    """The public papers most related to `paper`, best first, with why (five queries)."""
    public = Paper.objects.public().exclude(pk=paper.pk)
    found: dict[int, RelatedPaper] = {}

    def entry(pk: int) -> RelatedPaper:
        return found.setdefault(pk, RelatedPaper(paper=None))

    my_categories = Placement.objects.filter(paper=paper).values("category_id")
    for pk, name in (
        Placement.objects.filter(category_id__in=my_categories, paper__in=public.values("pk"))
        .order_by("category__sort_order", "category__name")
        .values_list("paper_id", "category__name")
    ):
        related = entry(pk)
        related.categories.append(name)
        related.score += CATEGORY_WEIGHT

    my_terms = DimensionValue.objects.filter(paper=paper, dimension__slug="technique", term__isnull=False)
    for pk, name in (
        DimensionValue.objects.filter(term_id__in=my_terms.values("term_id"), paper__in=public.values("pk"))
        .order_by("term__name")
        .values_list("paper_id", "term__name")
        .distinct()
    ):
        related = entry(pk)
        related.techniques.append(name)
        related.score += TECHNIQUE_WEIGHT

    titles = dict(Paper.objects.public().values_list("pk", "title"))
    titles[paper.pk] = paper.title
    for pk, similarity in title_similarities(paper.pk, titles).items():
        if similarity >= MIN_TEXT_SIMILARITY:
            related = entry(pk)
            related.similar_text = True
            related.score += TEXT_WEIGHT * similarity

    best = sorted(found.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    papers = Paper.objects.filter(pk__in=[pk for pk, _ in best]).with_authors().in_bulk()
    results = []
    for pk, related in best:
        related.paper = papers[pk]
        results.append(related)
    return results
