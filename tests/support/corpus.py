"""The fixture YAML files (above all fixtures/corpus.yaml, ~2,300 lines), each parsed once per process.

With libyaml's C loader where PyYAML has it, as taxonomy.catalogue does. No Django: the fixture
generator (tests/data/make_fixtures.py) runs as a plain script. The parsed data is shared by every
caller: read it, never change it.
"""

from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS_PATH = ROOT / "fixtures" / "corpus.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path | str) -> dict:
    """The parsed file at `path`; the file is parsed on the first call only."""
    return _parsed(Path(path).resolve())


def corpus(path: Path | str = CORPUS_PATH) -> dict[str, dict]:
    """The corpus's papers by citation key."""
    return _papers_by_key(Path(path).resolve())


@cache
def _parsed(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}


@cache
def _papers_by_key(path: Path) -> dict[str, dict]:
    return {entry["key"]: entry for entry in _parsed(path)["papers"]}
