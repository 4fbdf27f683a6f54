"""LaTeX <-> Unicode for BibTeX values and LaTeX output, in one place so decoder and encoder cannot drift.

Decoding: pylatexenc is the reference, but it costs 0.3-1 ms per value, too slow for imports of thousands
of entries. `latex_to_text` first tries a small parser that follows pylatexenc's own rules (its tokenizer,
its macro tables, its spacing) on the markup .bib files use, in a few µs; on anything it does not model
(math, environments, macros with optional or several arguments) it gives up and pylatexenc decodes the
value. The tests check that both agree on generated values.

Two readings differ from stock pylatexenc, on purpose and in both paths: a bare `&` stays `&` (pylatexenc
reads a table column separator and writes spaces: "AT&T" became "AT T"), and a bare `%` stays `%`
(pylatexenc reads a comment and drops the rest of the line: "50% faster" became "50").

Encoding: `text_to_latex` writes what classic 8-bit `bibtex` and LaTeX print as the same text.
"""

import re
import unicodedata
from functools import lru_cache

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder
from pylatexenc.macrospec import MacroSpec, MacroStandardArgsParser

__all__ = ["bibtex_name", "latex_to_text", "protect_title", "text_to_latex"]

# --- Decoding ------------------------------------------------------------------------------------------------

_CONTEXT = get_default_latex_context_db()
_CONTEXT.add_context_category(
    "heterogpu",
    prepend=True,
    macros=[
        # What text_to_latex writes for characters BibTeX or LaTeX would misread; decode them back.
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        # pylatexenc turns these logos into nothing.
        MacroTextSpec("LaTeX", "LaTeX"),
        MacroTextSpec("TeX", "TeX"),
        MacroTextSpec("BibTeX", "BibTeX"),
        MacroTextSpec("textperiodcentered", "·"),  # pylatexenc says "˙", a dot above
        # pylatexenc drops these with their argument: \texttt{PyTorch} was "".
        *(MacroTextSpec(name, discard=False) for name in ("texttt", "textsf", "textup", "textmd", "mbox")),
    ],
    specials=[SpecialsTextSpec("&", "&")],  # "AT&T", "R&D" in a .bib: an ampersand, not a table column
)
_WALKER_CONTEXT = latexwalker.get_default_latex_context_db()  # what LatexNodes2Text parses with
_PYLATEXENC = LatexNodes2Text(latex_context=_CONTEXT, math_mode="verbatim")

# latex2text's text accents (make_accented_char): one argument, each of its characters accented.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", '"': "\u0308", "c": "\u0327", "^": "\u0302", "~": "\u0303", "H": "\u030b",
    "k": "\u0328", "=": "\u0304", "b": "\u0331", ".": "\u0307", "d": "\u0323", "r": "\u030a", "u": "\u0306",
    "v": "\u030c",
}  # fmt: skip
_DOTLESS = {"ı": "i", "ȷ": "j"}  # an accent puts the dot back, as latex2text does
# Specials (~, &, ligatures): the tokenizer's list, our context's text; matched longest first, as it does.
_SPECIALS = {
    spec.specials_chars: getattr(_CONTEXT.get_specials_spec(spec.specials_chars), "simplify_repl", spec.specials_chars)
    for spec in _WALKER_CONTEXT.iter_specials_specs()
}
_SPECIAL_STARTS = frozenset(chars[0] for chars in _SPECIALS)
_SPECIALS_RE = re.compile("|".join(re.escape(chars) for chars in sorted(_SPECIALS, key=len, reverse=True)))
# A value with none of these is plain text.
_MARKUP_RE = re.compile("|".join([r"[\\{}$]", *(re.escape(c) for c, text in _SPECIALS.items() if text != c)]))
# Control word | control symbol | group of plain characters | brace | characters | $ or a final backslash.
_TOKEN_RE = re.compile(r"\\[A-Za-z]+|\\(.)|\{([^\\{}$]*)\}|([{}])|([^\\{}$]+)|(.)", re.DOTALL)
_SPACE_RE = re.compile(r"\s*")
_BARE_PERCENT_RE = re.compile(r"(?<!\\)((?:\\\\)*)%")
_PERCENT = "\ue0a5"  # stands for a bare % while pylatexenc parses (a private-use character)


class _Unsure(Exception):
    """The fast parser met something it does not model: pylatexenc decides."""


def _normalize_space(text: str) -> str:
    """Runs of whitespace (non-breaking spaces too) as one space, as the importer stores text."""
    return " ".join(text.replace("\xa0", " ").split())


def latex_to_text(text: str | None) -> str:
    """Display text for a BibTeX value: `{\\"u}` -> ü, `{GPU}` -> GPU, `--` -> en dash, spaces collapsed."""
    if not text:
        return ""
    if not _MARKUP_RE.search(text):
        return _normalize_space(text)
    decoded = _fast_latex_to_text(text)
    return _normalize_space(_pylatexenc_to_text(text) if decoded is None else decoded)


def _fast_latex_to_text(text: str) -> str | None:
    """What pylatexenc makes of `text` (a bare % kept, spaces not yet collapsed), or None when unsure."""
    try:
        return _nodes(text, 0, closing=False)[0]
    except (_Unsure, RecursionError):
        return None


def _pylatexenc_to_text(text: str) -> str:
    percent = "%" in text and _PERCENT not in text
    if percent:
        text = _BARE_PERCENT_RE.sub(lambda m: m.group(1) + _PERCENT, text)
    try:
        decoded = _PYLATEXENC.latex_to_text(text)
    except Exception:  # pylatexenc is tolerant, but a pathological value must not stop an import
        decoded = text.replace("{", "").replace("}", "")
    return decoded.replace(_PERCENT, "%") if percent else decoded


def _nodes(s: str, i: int, closing: bool) -> tuple[str, int]:
    """Text from `i` to the end or, when `closing`, to the brace that closes the group; and where it ends."""
    out = []
    n = len(s)
    while i < n:
        m = _TOKEN_RE.match(s, i)
        token = m.lastindex  # None: control word, 1: control symbol, 2: {plain}, 3: brace, 4: characters
        if token == 4 or token == 2:
            out.append(_SPECIALS_RE.sub(_special, m.group(token)))
            i = m.end()
        elif token == 3:
            if s[i] == "}":
                if not closing:
                    raise _Unsure  # unbalanced
                return "".join(out), i + 1
            text, i = _nodes(s, i + 1, closing=True)
            out.append(text)
        elif token == 5:
            raise _Unsure  # $ (math) or a final backslash
        else:
            name, i = _macro_name(s, m)
            text, i = _macro(name, s, i)
            out.append(text)
    if closing:
        raise _Unsure  # unbalanced
    return "".join(out), i


def _special(m: re.Match) -> str:
    text = _SPECIALS[m.group()]
    if not isinstance(text, str):
        raise _Unsure
    return text


def _macro_name(s: str, m: re.Match) -> tuple[str, int]:
    """The macro `m` matched and where its arguments start, as pylatexenc's tokenizer reads them."""
    symbol = m.group(1)
    if symbol is not None:
        if symbol in "()[]":
            raise _Unsure  # math
        if not symbol.isalpha():
            return symbol, m.end()  # a control symbol swallows no spaces
    end = m.end()
    while end < len(s) and s[end].isalpha():  # names go on with non-ASCII letters (str.isalpha)
        end += 1
    if end == len(s) or not s[end].isspace():
        return s[m.start() + 1 : end], end
    space = _SPACE_RE.match(s, end)
    blank_line = space.group().find("\n\n")  # a paragraph break is not swallowed
    return s[m.start() + 1 : end], space.end() if blank_line < 0 else end + blank_line


def _macro(name: str, s: str, i: int) -> tuple[str, int]:
    kind = _macro_kind(name)
    if kind is None:
        raise _Unsure
    action, value = kind
    if action == "text":
        return value, i
    argument, i = _argument(s, i)
    if action == "accent":
        return "".join(unicodedata.normalize("NFC", _DOTLESS.get(c, c) + value) for c in argument.strip()), i
    return (argument if action == "content" else value), i


@lru_cache(maxsize=4096)
def _macro_kind(name: str) -> tuple[str, str] | None:
    """How latex2text renders \\name, from pylatexenc's own tables: ("text", t) without an argument,
    ("drop", t) taking one, ("content", "") the argument's text, ("accent", combining); None: unsure."""
    if name in ("begin", "end"):
        return None  # environments
    spec = _WALKER_CONTEXT.get_macro_spec(name)
    if spec is None:
        takes_argument = False  # unknown macros take no argument
    elif (
        type(spec) is MacroSpec
        and type(spec.args_parser) is MacroStandardArgsParser
        and spec.args_parser.argspec in ("", "{")
    ):
        takes_argument = spec.args_parser.argspec == "{"
    else:
        return None  # optional, starred or several arguments
    fixed = "drop" if takes_argument else "text"
    text_spec = _CONTEXT.get_macro_spec(name)
    if text_spec is None:
        return fixed, ""  # unknown to latex2text: discarded
    repl = text_spec.simplify_repl
    if repl is None:
        return ("content", "") if takes_argument and not text_spec.discard else (fixed, "")
    if isinstance(repl, str):
        return None if "%" in repl and len(repl) != 1 else (fixed, repl)  # "%s" formats the arguments
    if name in _ACCENTS and takes_argument:
        return "accent", _ACCENTS[name]
    if name == "%" and not takes_argument:
        return "text", "%"
    return None


def _argument(s: str, i: int) -> tuple[str, int]:
    """The text of one mandatory argument at `i`, read as LatexWalker.get_latex_expression does."""
    if i < len(s) and s[i].isspace():
        space = _SPACE_RE.match(s, i)
        blank_line = space.group().find("\n\n")
        if blank_line >= 0:
            return "\n\n", i + blank_line + 2  # the tokenizer's paragraph token is the argument
        i = space.end()
    if i >= len(s):
        raise _Unsure
    char = s[i]
    if char == "{":
        m = _TOKEN_RE.match(s, i)
        if m.lastindex == 2:
            return _SPECIALS_RE.sub(_special, m.group(2)), m.end()
        return _nodes(s, i + 1, closing=True)
    if char == "\\":  # a macro, given no argument of its own
        m = _TOKEN_RE.match(s, i)
        if m.lastindex == 5:
            raise _Unsure  # a final backslash
        name, i = _macro_name(s, m)
        kind = _macro_kind(name)
        if kind is None or kind[0] == "accent":
            raise _Unsure
        return ("" if kind[0] == "content" else kind[1]), i
    if char in "}$":
        raise _Unsure
    special = _SPECIALS_RE.match(s, i) if char in _SPECIAL_STARTS else None
    if special:
        return _special(special), special.end()
    return char, i + 1


# --- Encoding ------------------------------------------------------------------------------------------------

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{ : BibTeX counts that brace and finds the value unbalanced
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
_MATH_RE = re.compile(r"(\$[^$]+\$)")
# Where pylatexenc's table prints another letter: ű as ú, ħ ŧ with a macron, ŀ with a dot above, ŉ as an
# undefined \nument. Classic fonts have no stroke or middle-dot letters: those are kept as they are.
_ENCODER_FIXES = {0x170: r"\H{U}", 0x171: r"\H{u}"} | {
    cp: chr(cp) for cp in (0x126, 0x127, 0x13F, 0x140, 0x149, 0x166, 0x167)
}
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(rule_type=RULE_DICT, rule=_ENCODER_FIXES), "defaults"],
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)


def text_to_latex(text: str, *, keep_math: bool = True) -> str:
    """Plain text -> BibTeX/LaTeX: specials escaped, non-ASCII as accent commands ({\\'e}).

    With `keep_math`, $...$ spans (titles written by LaTeX users) are kept as they are; without, every $
    is escaped (free text such as table cells: "$5 to $10"). ASCII ligatures (-- `` '') are left alone:
    BibTeX pages are written 1--10 on purpose.
    """
    parts = _MATH_RE.split(text) if keep_math else [text]
    out = []
    for n, part in enumerate(parts):
        if n % 2:  # a $...$ span
            out.append(part)
        else:
            out.append(_ENCODER.unicode_to_latex(_SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], part)))
    return "".join(out)


def protect_title(text: str) -> str:
    """Escape a title and brace words with capitals after their first letter ({HetPipe}, {GPU}, {Max-Flow})."""
    out = []
    for n, part in enumerate(_MATH_RE.split(text)):
        out.append(part if n % 2 else " ".join(_protect_word(word) for word in part.split(" ")))
    return "".join(out)


def _protect_word(word: str) -> str:
    escaped = text_to_latex(word)
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) > 1 and any(c.isupper() for c in letters[1:]):
        return "{" + escaped + "}"
    return escaped


def bibtex_name(family: str, given: str) -> str:
    """ "Family, Given", LaTeX-escaped; a one-part corporate name braced so BibTeX doesn't split it."""
    family_tex, given_tex = text_to_latex(family), text_to_latex(given)
    if " and " in f" {family} " or " and " in f" {given} ":
        family_tex = "{" + family_tex + "}"
    if not given:
        return "{" + family_tex + "}" if (" " in family or "," in family) else family_tex
    return f"{family_tex}, {given_tex}"
