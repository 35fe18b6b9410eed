"""Every way a file can fail, as one exception hierarchy.

Each message says what is wrong and what to do about it; the CLI prints it on
one line with the class name, and batch reports record the class name.

The errors carry their facts as attributes too (``path`` always; ``pages``,
``limit`` … where they apply) and survive pickling, so that a conversion run
in a worker process can hand them back unchanged.
"""

from __future__ import annotations

from typing import Optional

from .extras import install_hint


def _pages(pages: str) -> str:
    """"3" -> "page 3", "1-11" -> "pages 1-11"."""
    return f"pages {pages}" if ("-" in pages or "," in pages) else f"page {pages}"


def _rebuild(cls: "type[ExtractorError]", message: str, state: dict) -> "ExtractorError":
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.__dict__.update(state)
    return exc


class ExtractorError(Exception):
    """Base class: a file could not be converted."""

    #: Exit code of the CLI for a file failing with this error.
    exit_code = 1

    def __init__(self, path: str, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")

    def __reduce__(self):
        # The subclasses take their message parts as arguments, which
        # Exception's default pickling (cls(*args)) cannot replay.
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


class NotAPDF(ExtractorError):
    def __init__(self, path: str, what: str):
        self.what = what
        super().__init__(path, f"not a PDF ({what}); check the download or the file's real type")


class UnreadableInput(ExtractorError):
    """The file is there but cannot be read (no permission, an I/O error):
    nothing is wrong with extractor or, as far as is known, the file."""

    def __init__(self, path: str, reason: str):
        self.reason = reason
        super().__init__(path, f"the file cannot be read ({reason}); check its permissions, or copy it again")


class EncryptedPDF(ExtractorError):
    def __init__(self, path: str, with_password: bool, unsupported: Optional[str] = None):
        self.with_password = with_password
        if unsupported:
            hint = f"its encryption ({unsupported}) is not supported; remove it with the tool that made the file (or qpdf --decrypt)"
        elif with_password:
            hint = "the password given is wrong; check --password"
        else:
            hint = "it needs a password to open: pass it with --password"
        super().__init__(path, f"the PDF is encrypted and cannot be opened: {hint}")


class DamagedPDF(ExtractorError):
    def __init__(self, path: str, detail: str):
        self.detail = detail
        super().__init__(path, f"the PDF is damaged and no page could be read ({detail}); re-download the file")


class TooManyPages(ExtractorError):
    def __init__(self, path: str, pages: int, limit: int):
        self.pages, self.limit = pages, limit
        super().__init__(path, f"{pages} pages exceeds the limit of {limit}; raise --max-pages to convert it")


class NoTextLayer(ExtractorError):
    #: What to do about a scan when nothing more specific is known.
    OCR_HINT = f"install the OCR extra ({install_hint('ocr')}), which reads scans automatically"

    def __init__(self, path: str, pages: str, scanned: bool = True, hint: Optional[str] = None):
        self.pages, self.scanned = pages, scanned
        if scanned:
            what = f"this looks like a scan; OCR is needed: {hint or self.OCR_HINT}"
        else:
            what = "the pages are blank (no text and no images); check that this is the right file"
        verb = "have" if _pages(pages).startswith("pages") else "has"
        super().__init__(path, f"{_pages(pages)} {verb} no text layer: {what}")


class UnreadableText(ExtractorError):
    """The text layer of every page with text is garbage: glyphs without a
    (correct) Unicode mapping, or with ``mojibake``, text decoded with the
    wrong character encoding (UTF-8 read as GBK, GBK as Big5, 锟斤拷, UTF-8
    read as Latin-1)."""

    #: What mojibake is made of (``pages.TextCounts.suspect``).
    MOJIBAKE_WHAT = ("are rare ideographs, foreign letters or garbled runs: what text decoded with the wrong "
                     "character encoding becomes, e.g. 閮ㄩ棬 or éƒ¨é—¨ for 部门, 锟斤拷")
    #: What to do about mojibake.  Two different faults look alike in the
    #: text layer, and the remedy depends on which one it is, which only
    #: looking at the page tells.
    MOJIBAKE_HINT = (
        "open the file: if the pages show proper Chinese, only its fonts' Unicode maps are wrong and OCR can "
        "read it (" + install_hint("ocr") + ", and no --no-ocr); if they show the same garbage, the file "
        "was made from mis-decoded text: ask its producer for a correct export"
    )

    def __init__(self, path: str, pages: str, ratio: float, mojibake: bool = False):
        self.pages, self.ratio, self.mojibake = pages, ratio, mojibake
        if mojibake:
            message = (f"the text of {_pages(pages)} is mojibake, not Chinese text ({ratio:.0%} of its characters, "
                       f"digits and punctuation aside, {self.MOJIBAKE_WHAT}): {self.MOJIBAKE_HINT}")
        else:
            message = (f"the text of {_pages(pages)} cannot be decoded ({ratio:.0%} of the glyphs have no Unicode "
                       "mapping or decode to characters that are not Chinese text): the fonts lack a correct "
                       "ToUnicode map; OCR is needed")
        super().__init__(path, message)


class NoPerformanceTables(ExtractorError):
    """Only with ``strict=True``: by default a document without 绩效目标表 is a
    valid (empty) document with the warning ``no_performance_tables``."""

    def __init__(self, path: str):
        super().__init__(path, "no 绩效目标表 (performance-target table) was found in this document; "
                               "check that it is a budget performance-target document")


class ConversionTimeout(ExtractorError):
    def __init__(self, path: str, seconds: float):
        self.seconds = seconds
        super().__init__(path, f"conversion took longer than {seconds:g} s and was stopped; "
                               "check the file (a huge or hostile PDF?), or raise --timeout")


class MemoryLimitExceeded(ExtractorError):
    def __init__(self, path: str, megabytes: int):
        self.limit = megabytes
        what = f"needed more than {megabytes} MB of memory and was stopped" if megabytes else "ran out of memory"
        super().__init__(path, f"conversion {what} (a decompression bomb or an extremely dense page?); "
                               "check the file, or raise --max-memory")


class InternalError(ExtractorError):
    """An unexpected failure: a bug, reported without taking a batch down."""

    def __init__(self, path: str, detail: str):
        self.detail = detail
        super().__init__(path, f"unexpected error ({detail}); this is a bug in extractor: "
                               "please report it together with the file")


class InvalidDocument(ExtractorError):
    """A saved output (``extractor.load``) does not fit the shipped schema:
    ``field`` names where (``projects[0].indicators[3].target.cmp``)."""

    def __init__(self, path: str, field: str, detail: str):
        self.field, self.detail = field, detail
        where = field or "the document"
        super().__init__(path, f"not an extractor output of a known schema: {where}: {detail}; "
                               "convert the PDF again, or check that this is the right file")


class UsageError(Exception):
    """A problem with the command itself, not with a file (exit code 2):
    nothing matched, a nonsense limit, a missing optional dependency, an
    unreachable scheduler, an output folder that cannot be written …"""


class OutputError(UsageError):
    """The output side failed (a read-only folder, a full disk): no file
    can be written, so the run stops with one line and exit code 2."""
