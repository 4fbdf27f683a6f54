"""Renderers of the results ledger: ?format=csv|md|tex give the same rows as the JSON, every one of them."""

from rest_framework.renderers import BaseRenderer

from taxonomy.results_exports import to_csv, to_latex, to_markdown


class _LedgerRenderer(BaseRenderer):
    charset = "utf-8"
    convert = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="results.{self.format}"'
        return type(self).convert(data)


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
