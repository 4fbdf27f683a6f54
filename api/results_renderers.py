"""Renderers of the results ledger: ?format=csv|md|tex give the same rows as the JSON, every one of them."""

from api.renderers import TextExportRenderer
from taxonomy.results_exports import to_csv, to_latex, to_markdown


class _LedgerRenderer(TextExportRenderer):
    filename = "results"
    disposition = "attachment"


class LedgerCSVRenderer(_LedgerRenderer):
    media_type = "text/csv"
    format = "csv"
    convert = staticmethod(to_csv)


class LedgerMarkdownRenderer(_LedgerRenderer):
    media_type = "text/markdown"
    format = "md"
    convert = staticmethod(to_markdown)


class LedgerLatexRenderer(_LedgerRenderer):
    media_type = "application/x-latex"
    format = "tex"
    convert = staticmethod(to_latex)


EXPORT_RENDERERS = [LedgerCSVRenderer, LedgerMarkdownRenderer, LedgerLatexRenderer]
EXPORT_FORMATS = [renderer.format for renderer in EXPORT_RENDERERS]
