"""Every way a file can fail, as one exception hierarchy.

Each message says what is wrong and what to do about it; the CLI prints it on
one line with the class name, and batch reports record the class name.
"""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class: a file could not be converted."""

    #: Exit code of the CLI for a file failing with this error.
    exit_code = 1


class NotAPDF(ExtractorError):
    def __init__(self, path: str, what: str):
        super().__init__(f"{path}: not a PDF ({what}); check the download or the file's real type")


class EncryptedPDF(ExtractorError):
    def __init__(self, path: str, with_password: bool):
        hint = "the password given is wrong" if with_password else "pass the password with --password"
        super().__init__(f"{path}: the PDF is encrypted and cannot be opened: {hint}")


class DamagedPDF(ExtractorError):
    def __init__(self, path: str, detail: str):
        super().__init__(f"{path}: the PDF is damaged and no page could be read ({detail}); re-download the file")


class TooManyPages(ExtractorError):
    def __init__(self, path: str, pages: int, limit: int):
        super().__init__(f"{path}: {pages} pages exceeds the limit of {limit}; raise --max-pages to convert it")


class NoTextLayer(ExtractorError):
    def __init__(self, path: str, pages: str):
        super().__init__(
            f"{path}: pages {pages} have no text layer: this looks like a scan; OCR is needed"
        )


class UnreadableText(ExtractorError):
    def __init__(self, path: str, pages: str, ratio: float):
        super().__init__(
            f"{path}: the text of pages {pages} cannot be decoded ({ratio:.0%} of the characters have no "
            "Unicode mapping): the fonts lack a ToUnicode map; OCR is needed"
        )


class ConversionTimeout(ExtractorError):
    def __init__(self, path: str, seconds: float):
        super().__init__(f"{path}: conversion took longer than {seconds:g} s and was stopped; raise --timeout")
