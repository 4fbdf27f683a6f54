"""DRF renderers for the comparison: ?format=csv|md|latex give the same cells as the JSON."""

from rest_framework.renderers import BaseRenderer, JSONRenderer

from taxonomy.compare import to_csv, to_latex, to_markdown


class TextExportRenderer(BaseRenderer):
    """A core export function as a renderer: `convert` turns the view's data into the file's text."""

    charset = "utf-8"
    convert = None
    filename = "export"
    disposition = "inline"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = f'{self.disposition}; filename="{self.filename}.{self.format}"'
        return type(self).convert(data)


class _ComparisonRenderer(TextExportRenderer):
    filename = "comparison"


class CSVRenderer(_ComparisonRenderer):
    media_type = "text/csv"
    format = "csv"
    convert = staticmethod(to_csv)


class MarkdownRenderer(_ComparisonRenderer):
    media_type = "text/markdown"
    format = "md"
    convert = staticmethod(to_markdown)


class LatexRenderer(_ComparisonRenderer):
    media_type = "application/x-latex"
    format = "latex"
    convert = staticmethod(to_latex)


class MarkdownTextRenderer(BaseRenderer):
    """Text that is already Markdown (the awesome list)."""

    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, str) else "\n".join(f"{k}: {v}" for k, v in data.items())


class BibtexRenderer(BaseRenderer):
    """BibTeX text, downloaded as a .bib file (errors are answered as JSON: see api.export_views)."""

    media_type = "application/x-bibtex"
    format = "bib"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class JsonErrorsMixin:
    """For views rendering text (BibTeX, Markdown): errors are JSON like every other API error, whatever the
    client accepts (the schema documents them so)."""

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class JsonErrorsAndOptionsMixin:
    """For views that also render tables (CSV, Markdown, LaTeX): errors and the OPTIONS description are JSON
    whatever format was asked for (the table renderers only know their rows)."""

    def handle_exception(self, exc):
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().options(request, *args, **kwargs)
