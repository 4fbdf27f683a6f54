"""The taxonomy: a category tree, placements of papers in it, the comparison dimensions, evaluation facts.

Builds on `papers`; nothing in `papers` imports from here.
"""

from taxonomy.models.categories import Category, CategoryQuerySet, Placement
from taxonomy.models.comparison import Dimension, DimensionValue, Term
from taxonomy.models.evaluation import (
    Baseline,
    EvaluatedModel,
    Evaluation,
    GpuType,
    Result,
    Setup,
    SetupGpu,
)
from taxonomy.models.history import ChangeRecord

__all__ = [
    "Baseline",
    "Category",
    "CategoryQuerySet",
    "ChangeRecord",
    "Dimension",
    "DimensionValue",
    "EvaluatedModel",
    "Evaluation",
    "GpuType",
    "Placement",
    "Result",
    "Setup",
    "SetupGpu",
    "Term",
]
