"""LaTeX markup of BibTeX values -> display text: `{\\"u}` -> ü, `{GPU}` -> GPU, `--` -> en dash.

The markup nearly every .bib uses (braces, accents, escaped specials) is decoded by regular
expressions: pylatexenc takes ~1 ms per value, too slow for imports of thousands of entries.
Anything else (math, other commands) goes to pylatexenc; tests check that both agree.
"""

import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from papers.identifiers import normalize_space

_LATEX_MARKUP = re.compile(r"[\\{}~$]|--|``|''")

_latex_context = get_default_latex_context_db()
_latex_context.add_context_category(
    "heterogpu",
    prepend=True,
    macros=[
        # What papers.exports writes for characters BibTeX or LaTeX would misread; decode them back.
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        # pylatexenc turns these logos into nothing.
        MacroTextSpec("LaTeX", "LaTeX"),
        MacroTextSpec("TeX", "TeX"),
        MacroTextSpec("BibTeX", "BibTeX"),
    ],
)
_latex_to_text = LatexNodes2Text(latex_context=_latex_context, math_mode="verbatim")


def decode_latex(text: str | None) -> str:
    """Display text for a BibTeX value, spaces collapsed."""
    if not text:
        return ""
    if not _LATEX_MARKUP.search(text):
        return normalize_space(text)
    simple = _decode_simple_latex(text)
    if simple is not None:
        return normalize_space(simple)
    try:
        return normalize_space(_latex_to_text.latex_to_text(text))
    except Exception:  # pylatexenc is tolerant, but a pathological value must not stop the import
        return normalize_space(text.replace("{", "").replace("}", ""))


_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307", '"': "\u0308",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
_LETTERS = {
    "L": "Ł", "l": "ł", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ",
}  # fmt: skip
_TEXT_MACROS = {
    "textendash": "–", "textemdash": "—", "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\",
    "textbraceleft": "{", "textbraceright": "}", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
}  # fmt: skip
_SYMBOL_ACCENT_RE = re.compile(r"""\\([`'^"~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))""")
_LETTER_ACCENT_RE = re.compile(r"\\([uvHckr])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))")
_LETTER_RE = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[LloOij])(?![A-Za-z])(?:\{\}|\s+)?")
_TEXT_MACRO_RE = re.compile(r"\\(" + "|".join(_TEXT_MACROS) + r")(?![A-Za-z])(?:\{\}|\s+)?")
_ESCAPE_RE = re.compile(r"\\([&%$#_{} ])")
_PROTECTED = {"{": "\ue000", "}": "\ue001", "$": "\ue002", "~": "\ue003"}  # literal characters kept from brace removal


def _accent(match: re.Match) -> str:
    base = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + _COMBINING[match.group(1)])


def _decode_simple_latex(text: str) -> str | None:
    """`text` decoded if it uses only common markup, else None (then pylatexenc decodes it)."""
    if "$" in text.replace("\\$", ""):
        return None  # math
    text = _SYMBOL_ACCENT_RE.sub(_accent, text)
    text = _LETTER_ACCENT_RE.sub(_accent, text)
    text = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _TEXT_MACRO_RE.sub(lambda m: _PROTECTED.get(_TEXT_MACROS[m.group(1)], _TEXT_MACROS[m.group(1)]), text)
    text = _ESCAPE_RE.sub(lambda m: _PROTECTED.get(m.group(1), m.group(1)), text)
    if "\\" in text:
        return None  # a command we don't know
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    for char, placeholder in _PROTECTED.items():
        text = text.replace(placeholder, char)
    return text
