"""Write tests/data/arxiv/*.xml and tests/data/seed.bib from the verified facts in fixtures/corpus.yaml.

Nothing here can reach arXiv to record real replies, so the replies are written from the corpus, in the
format of the arXiv API user manual. Run from the repository root after the corpus changes:

    .venv/bin/python tests/data/make_fixtures.py

What the Atom replies hold, and where it comes from:
- title, authors (in order), arXiv id: the corpus. HetHub v2's title and added author, Helix's arXiv
  title: the corpus notes. HeterPS is left out: the corpus does not record its arXiv title
  ("Paddle-HeterPS ...") in full nor the order of its nine arXiv authors.
- summary: NOT the arXiv abstract. A marked paraphrase taken from the corpus `approach` field.
- version: v1, except where the corpus cites a later version (Oobleck v2, HetHub v2).
- published/updated: the year and month encoded in the id, day 1 at 00:00 UTC, except HetHub
  (v1 25 May 2024, v2 9 Aug 2024, from the corpus notes). The day and time are placeholders.
- categories, DOI, journal reference, comment: left out; the corpus does not record arXiv's values.
"""

import re
import sys
from pathlib import Path

from pylatexenc.latexencode import UnicodeToLatexEncoder

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.data.fake_arxiv import DATA_DIR, atom_entry, atom_feed  # noqa: E402
from tests.support.corpus import corpus  # noqa: E402  (the corpus by key, parsed once)

SEED_KEYS = [
    "jang2023oobleck",
    "jia2022whale",
    "li2022amp",
    "yuan2022decentralized",
    "park2020hetpipe",
    "liu2023heterps",
    "xue2024crius",
    "xu2024hethub",
    "mei2025helix",
]
NOT_ON_ARXIV_FIXTURES = {"liu2023heterps"}  # see the module docstring
ARXIV_TITLES = {
    "mei2025helix": "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs",
}
VERSIONS = {"jang2023oobleck": 2}
HETHUB_V1 = "2024-05-25T00:00:00Z"
HETHUB_V2 = "2024-08-09T00:00:00Z"
REPLY_DATE = "2025-06-02T00:00:00-04:00"  # the feed's own <updated>: fixed so the files are reproducible
HETHUB_V2_TITLE = "HETHUB: A Distributed Training System with Heterogeneous Cluster for Large-Scale Models"
SUMMARY_PREFIX = "[Test fixture: paraphrase from the project corpus, not the arXiv abstract.] "

_encoder = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all")


def arxiv_name(name: str) -> str:
    """ "Park, Jay H." -> "Jay H. Park", as arXiv lists authors."""
    family, _, given = name.partition(",")
    return f"{given.strip()} {family.strip()}".strip()


def published_from_id(arxiv_id: str) -> str:
    yymm = arxiv_id.split(".")[0]
    return f"20{yymm[:2]}-{yymm[2:]}-01T00:00:00Z"


def seed_entry(paper: dict, **overrides) -> str:
    arxiv_id = paper["arxiv_id"]
    fields = {
        "arxiv_id": arxiv_id,
        "version": VERSIONS.get(paper["key"], 1),
        "title": ARXIV_TITLES.get(paper["key"], paper["title"]),
        "summary": SUMMARY_PREFIX + " ".join(paper["approach"].split()),
        "authors": [arxiv_name(name) for name in paper["authors"]],
        "published": published_from_id(arxiv_id),
    }
    fields.update(overrides)
    return atom_entry(**fields)


def write_atom(papers: dict[str, dict]) -> None:
    seed = [papers[key] for key in SEED_KEYS if key not in NOT_ON_ARXIV_FIXTURES]
    entries = []
    for paper in seed:
        if paper["key"] == "xu2024hethub":
            entries.append(seed_entry(paper, published=HETHUB_V1))
        else:
            entries.append(seed_entry(paper))
    ids = ",".join(paper["arxiv_id"] for paper in seed)
    feed = atom_feed(entries, id_list=ids, max_results=len(entries), updated=REPLY_DATE)
    (DATA_DIR / "seed.xml").write_text(feed, encoding="utf-8")

    hethub = papers["xu2024hethub"]
    authors = [arxiv_name(name) for name in hethub["authors"]]
    authors.insert(authors.index("Xuefei Ning") + 1, "Quanlu Zhang")
    v2 = seed_entry(hethub, version=2, title=HETHUB_V2_TITLE, authors=authors, published=HETHUB_V1, updated=HETHUB_V2)
    feed = atom_feed([v2], id_list=hethub["arxiv_id"], updated=REPLY_DATE)
    (DATA_DIR / "hethub_v2.xml").write_text(feed, encoding="utf-8")


def _latex(text: str) -> str:
    return _encoder.unicode_to_latex(text).replace("&", r"\&")


def _protect(title: str) -> str:
    """Brace words with capitals after their first letter ({HetPipe}, {GPU}) so styles keep them."""
    return " ".join(f"{{{w}}}" if re.search(r"[A-Za-z].*[A-Z]", w) else w for w in _latex(title).split())


def _confirmed(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    return None if "?" in text else text


def write_bib(papers: dict[str, dict]) -> None:
    venue_field = {"article": "journal", "inproceedings": "booktitle", "misc": "howpublished"}
    blocks = [
        "% The nine papers of the seed list, written from fixtures/corpus.yaml by tests/data/make_fixtures.py.",
        "% Values the corpus marks as unconfirmed (a trailing '?') are left out.",
        "",
    ]
    for key in SEED_KEYS:
        paper = papers[key]
        fields = [
            ("author", " and ".join(_latex(name) for name in paper["authors"])),
            ("title", _protect(paper["title"])),
        ]
        venue = _confirmed(paper.get("venue"))
        if venue:
            fields.append((venue_field[paper["entry_type"]], _latex(venue)))
        for name in ("volume", "pages"):
            value = _confirmed(paper.get(name))
            if value:
                fields.append((name, value.replace("-", "--") if name == "pages" else value))
        fields.append(("year", str(paper["year"])))
        for name in ("doi", "url"):
            if paper.get(name):
                fields.append((name, paper[name]))
        if paper.get("arxiv_id"):
            fields += [("eprint", paper["arxiv_id"]), ("archivePrefix", "arXiv")]
        body = ",\n".join(f"  {name:<13} = {{{value}}}" for name, value in fields)
        blocks.append(f"@{paper['entry_type']}{{{key},\n{body}\n}}\n")
    (DATA_DIR.parent / "seed.bib").write_text("\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    facts = corpus()
    write_atom(facts)
    write_bib(facts)
    print(f"wrote {DATA_DIR}/seed.xml, hethub_v2.xml and {DATA_DIR.parent / 'seed.bib'}")
