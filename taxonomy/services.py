"""Reads over the taxonomy that API, pages and admin share."""

from dataclasses import dataclass, field

from papers.models import Paper
from taxonomy.models import Category, Placement


@dataclass
class CategoryNode:
    category: Category
    paper_ids: set[int] = field(default_factory=set)
    children: list["CategoryNode"] = field(default_factory=list)

    @property
    def paper_count(self) -> int:
        return len(self.paper_ids)

    def category_ids(self) -> set[int]:
        """Ids of this node's category and of every category below it."""
        ids = {self.category.pk}
        for child in self.children:
            ids |= child.category_ids()
        return ids


def category_tree() -> list[CategoryNode]:
    """The whole tree, each node counting the public papers in its subtree once.

    Two queries whatever the size of the tree or the catalogue.
    """
    nodes = {category.pk: CategoryNode(category) for category in Category.objects.tree_order()}
    placed = Placement.objects.filter(paper__status=Paper.Status.PUBLIC).values_list("category_id", "paper_id")
    for category_id, paper_id in placed:
        nodes[category_id].paper_ids.add(paper_id)
    roots = []
    for node in nodes.values():  # tree order, so children stay sorted
        parent_id = node.category.parent_id
        (nodes[parent_id].children if parent_id else roots).append(node)

    def gather(node: CategoryNode) -> set[int]:
        for child in node.children:
            node.paper_ids |= gather(child)
        return node.paper_ids

    for root in roots:
        gather(root)
    return roots


def find_node(roots: list[CategoryNode], slug: str) -> CategoryNode | None:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.category.slug == slug:
            return node
        stack.extend(node.children)
    return None
