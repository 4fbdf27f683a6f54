"""LaTeX decoding speed: lib.latex's fast path against pylatexenc, in µs per value.

    .venv/bin/python bench/latex.py [--values 5000] [--repeat 5]

Values look like what .bib imports carry: accented names in their usual spellings, titles with braced
acronyms and dashes, escaped specials, a few with math or commands only pylatexenc decodes. Prints the
best of `repeat` runs (pylatexenc: one run) for latex_to_text on all values, for the fast parser and
pylatexenc on the values the fast parser decodes, and for pylatexenc on every value with markup.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import latex  # noqa: E402

NAMES = [
    r"M{\"u}ller", r"Jos\'e", r"Na\"{\i}ve", r"Mart\'\i nez", r"{\L}ukasz", r"R{\'e}", r"G{\"o}ktas",
    r"Erd\H{o}s", r"\v{S}imon", r"{\'I}{\~n}igo", r"Fran\c{c}ois", r"Ahlstr\"{o}m", r"S{\o}rensen",
    r"Gro\ss{}mann", r"{\AA}berg", r"Zhang", r"van der Berg", r"O'Brien",
]  # fmt: skip
TITLE_WORDS = ["{GPU}", "Clusters", "training", "{DNN}", "Heterogeneous", "pipeline", "{HetPipe}:", "on", "--"]
OTHER = [
    r"{GPU} Clusters", r"Proc.\ of the 14th {USENIX} Symp.", r"50\% faster {A}llreduce", r"R\&D at {IBM}",
    r"``Quoted'' --- and {\LaTeX}", r"\emph{Fast} training of {DNNs}", r"Performance of {$k$}-means",
    r"Costs in $O(n^2)$ time", r"\textsc{Zero}: memory optimizations", "Plain title without markup",
]  # fmt: skip


def values(count: int) -> list[str]:
    rng = random.Random(0)
    out = []
    for n in range(count):
        kind = n % 3
        if kind == 0:
            out.append(rng.choice(NAMES))
        elif kind == 1:
            out.append(" ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(3, 9))))
        else:
            out.append(rng.choice(OTHER))
    return out


def per_value(function, items: list[str], repeat: int) -> float:
    """Best µs per value over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    items = values(args.values)
    markup = [item for item in items if latex._MARKUP_RE.search(item)]
    fast = [item for item in markup if latex._fast_latex_to_text(item) is not None]
    share = len(fast) / len(markup)
    print(f"{len(items)} values, {len(markup)} with markup; the fast parser decodes {share:.0%} of those")
    rows = [
        ("latex_to_text, all values", latex.latex_to_text, items, args.repeat),
        ("fast parser, the values it decodes", latex._fast_latex_to_text, fast, args.repeat),
        ("pylatexenc, the same values", latex._PYLATEXENC.latex_to_text, fast, 1),
        ("pylatexenc, all values with markup", latex._PYLATEXENC.latex_to_text, markup, 1),
    ]
    for label, function, sample, repeat in rows:
        print(f"{label:<36} {per_value(function, sample, repeat):8.1f} µs/value")


if __name__ == "__main__":
    main()
