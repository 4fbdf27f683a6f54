"""One reader for BibTeX that people hand in (admin upload or paste, API, command): size, encoding, NUL bytes."""

from django.conf import settings


class UploadRejected(ValueError):
    """BibTeX input refused before any import starts; the message says why and what to do."""


class BibtexTooLarge(UploadRejected):
    """Over settings.BIBTEX_UPLOAD_MAX_BYTES."""


class NotText(UploadRejected):
    """Bytes that are no text file: a binary, or a UTF-16 file (NUL bytes, which PostgreSQL text cannot hold)."""


def check_bibtex_size(size: int) -> None:
    limit = settings.BIBTEX_UPLOAD_MAX_BYTES
    if size > limit:
        raise BibtexTooLarge(
            f"The BibTeX is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.0f} MB. "
            "Split the file, or import it with `manage.py import_bibtex`."
        )


def decode_bibtex(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Latin-1 as older .bib files are; refuses what is not text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # every byte decodes
    return check_text(text)


def check_text(text: str) -> str:
    if "\x00" in text:
        raise NotText("Not a text file: it contains NUL bytes (a binary or UTF-16 file? Save it as UTF-8).")
    return text


def read_bibtex_upload(*, upload=None, text: str | None = None) -> str:
    """The text of an uploaded file (Django's UploadedFile, which knows its size before it is read) or of
    pasted `text`, within the size limit."""
    if upload is not None:
        check_bibtex_size(upload.size)
        return decode_bibtex(upload.read())
    text = text or ""
    check_bibtex_size(len(text.encode("utf-8")))
    return check_text(text)
