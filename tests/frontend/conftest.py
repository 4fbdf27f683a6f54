import re

import pytest

from taxonomy.catalogue import load_catalogue


@pytest.fixture
def catalogue(db):
    """Every paper of the catalogue (53), for paging and query counts at a realistic size."""
    return load_catalogue()


def paper_keys(html: str) -> list[str]:
    """Citation keys of the papers listed on a page, in order."""
    return re.findall(r'<h3 class="paper-title"><a href="/papers/([^/]+)/">', html)
