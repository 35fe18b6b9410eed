"""Generators of bad and hostile inputs, built at test time from the sample.

Every function writes one file to ``path`` and returns ``path``.  Nothing here
is committed as a binary: the corpus is rebuilt from the sample PDF (and a few
lines of reportlab/pikepdf) on every run, deterministically.
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "julu-2023-zonggonghui.pdf"

#: The sample's 11 pages: page 1 is prose (第一部分), pages 2-11 the forms.
SAMPLE_PAGES = 11


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


# -- not a PDF at all ---------------------------------------------------------


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def random_bytes(path: Path, size: int = 4096, seed: int = 1) -> Path:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(size))
    path.write_bytes(data.replace(b"%PDF-", b"%PDX-"))
    return path


def html_error_page(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
        "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n",
        encoding="utf-8",
    )
    return path


def docx_renamed(path: Path) -> Path:
    """A (minimal) Word .docx, which is a ZIP container, saved as .pdf."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    path.write_bytes(buf.getvalue())
    return path


def doc_renamed(path: Path) -> Path:
    """An old Word .doc (OLE compound file signature) saved as .pdf."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


# -- damaged PDFs ----------------------------------------------------------------


def truncated(path: Path, fraction: float) -> Path:
    """The sample cut after ``fraction`` of its bytes (an interrupted download)."""
    data = sample_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def header_only(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    return path


def broken_xref(path: Path) -> Path:
    """The sample with its cross-reference offsets invalidated: every object
    is still there, so a parser that rescans the file recovers all pages."""
    data = bytearray(sample_bytes())
    at = data.rfind(b"startxref")
    assert at > 0
    tail = bytes(data[at:]).replace(b"startxref", b"startxref\n999999999 %", 1)
    data[at:] = tail
    path.write_bytes(bytes(data))
    return path


def one_page_lost(path: Path, page: int = 3) -> Path:
    """The sample with the content stream of one page replaced by a reference
    to a dictionary where a stream must be: that page cannot be parsed, the
    others can."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        target = pdf.pages[page - 1].obj
        target.Contents = pdf.make_indirect(pikepdf.Dictionary(Bogus=1))
        target.Resources = pikepdf.Array([1, 2, 3])
        pdf.save(path, deterministic_id=True)
    return path


def truncated_before(path: Path, marker: bytes) -> Path:
    """The sample cut just before ``marker`` (e.g. b"16 0 obj": the page
    objects, which LibreOffice writes last, are then partly missing)."""
    data = sample_bytes()
    at = data.index(b"\n" + marker) + 1
    path.write_bytes(data[:at])
    return path


def corrupt_content(path: Path, page: int = 5) -> Path:
    """The sample with the compressed content stream of one page damaged
    half-way (a bad sector, a transfer error)."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        stream = pdf.pages[page - 1].obj.Contents
        raw = bytearray(stream.read_raw_bytes())
        middle = len(raw) // 2
        raw[middle:middle + 8] = b"\xff" * 8
        stream.write(bytes(raw), filter=pikepdf.Name.FlateDecode)
        pdf.save(path, deterministic_id=True)
    return path


def bad_mediabox(path: Path, page: int = 2) -> Path:
    """The sample with an invalid /MediaBox on one page."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        pdf.pages[page - 1].obj.MediaBox = pikepdf.Array([0, 0, pikepdf.Name("/x"), 842, 7])
        pdf.save(path, deterministic_id=True)
    return path


# -- encryption --------------------------------------------------------------------


def encrypted(path: Path, *, user: str, owner: str = "owner-secret") -> Path:
    """The sample encrypted (AES-256).  ``user=""`` gives an owner-password-only
    file (opens without a password, with restricted permissions)."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        pdf.save(
            path,
            encryption=pikepdf.Encryption(user=user, owner=owner, R=6, allow=pikepdf.Permissions(extract=False)),
        )
    return path


# -- text layer problems ---------------------------------------------------------


def image_only(path: Path, dpi: int = 40, pages: int | None = None) -> Path:
    """The sample's pages rasterised (pypdfium2) and written back as image-only
    pages (reportlab): what a scanner produces."""
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    src = pypdfium2.PdfDocument(str(SAMPLE))
    try:
        c = canvas.Canvas(str(path), invariant=1)
        for i in range(len(src) if pages is None else pages):
            page = src[i]
            w, h = page.get_size()
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            c.setPageSize((w, h))
            c.drawImage(ImageReader(image), 0, 0, width=w, height=h)
            c.showPage()
            page.close()
        c.save()
    finally:
        src.close()
    return path


def partly_scanned(path: Path, scanned_pages: int = 2) -> Path:
    """The sample followed by ``scanned_pages`` image-only pages."""
    import pikepdf

    images = image_only(path.with_suffix(".images.pdf"), pages=scanned_pages)
    with pikepdf.open(SAMPLE) as pdf, pikepdf.open(images) as extra:
        pdf.pages.extend(extra.pages)
        pdf.save(path, deterministic_id=True)
    images.unlink()
    return path


def _font_objects(pdf):
    seen = {}
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            seen[font.objgen] = font
    return list(seen.values())


def no_tounicode(path: Path, pages: set[int] | None = None) -> Path:
    """The sample with the /ToUnicode maps of its fonts removed: the subset
    fonts' codes then mean nothing (pdfminer yields "(cid:N)" or wrong
    letters).  ``pages`` limits the damage to those pages (their fonts are
    copied first so other pages keep theirs)."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        if pages is None:
            for font in _font_objects(pdf):
                del font["/ToUnicode"]
        else:
            for n in sorted(pages):
                page = pdf.pages[n - 1].obj
                fonts = pikepdf.Dictionary()
                for name, font in page.Resources.Font.items():
                    copy = pikepdf.Dictionary({k: v for k, v in font.items() if k != "/ToUnicode"})
                    fonts[name] = pdf.make_indirect(copy)
                resources = pikepdf.Dictionary({k: v for k, v in page.Resources.items()})
                resources.Font = fonts
                page.Resources = resources
        pdf.save(path, deterministic_id=True)
    return path


def mojibake(path: Path) -> Path:
    """The sample with ToUnicode maps that send every code to a wrong but
    valid Latin-1 letter (what a mis-built converter produces): the text
    extracts as "ÃÄÅ…" instead of Chinese."""
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        for font in _font_objects(pdf):
            entries = "\n".join(f"<{code:02X}> <{0xC0 + code % 0x3F:04X}>" for code in range(1, 256))
            cmap = (
                "/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo<</Registry (Adobe)/Ordering (UCS)/Supplement 0>> def\n"
                "/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                f"255 beginbfchar\n{entries}\nendbfchar\n"
                "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
            )
            font.ToUnicode = pdf.make_stream(cmap.encode("ascii"))
        pdf.save(path, deterministic_id=True)
    return path


#: Text decoded with the wrong character encoding, as editors, mail clients
#: and converters produce it.  Each takes correct text and returns what a
#: reader of the wrong encoding shows (undecodable bytes dropped: U+FFFD
#: would not survive typesetting anyway).  Apart from Latin-1, every one
#: lands on ordinary CJK code points, which no font check can see.
MISDECODINGS = {
    # UTF-8 bytes read as GBK: 部门 -> 閮ㄩ棬
    "utf8-as-gbk": lambda s: s.encode("utf-8").decode("gbk", errors="ignore"),
    # GBK bytes read as Big5: 部门 -> 窒藷
    "gbk-as-big5": lambda s: s.encode("gbk", errors="ignore").decode("big5", errors="ignore"),
    # Big5 bytes read as GBK (of what Big5 can encode of the simplified text)
    "big5-as-gbk": lambda s: s.encode("big5", errors="ignore").decode("gbk", errors="ignore"),
    # GBK read as UTF-8 (replacement characters), saved as UTF-8, read as GBK: 锟斤拷
    "kunjinkao": lambda s: s.encode("gbk", errors="ignore").decode("utf-8", errors="replace")
                            .encode("utf-8").decode("gbk", errors="ignore"),
    # UTF-8 bytes read as Windows-1252: 部门 -> éƒ¨é—¨
    "utf8-as-latin1": lambda s: s.encode("utf-8").decode("cp1252", errors="ignore"),
}


def misdecoded(path: Path, how: str, pages: set[int] | None = None, source: Path = SAMPLE) -> Path:
    """``source`` with the text of its pages (``pages``: only those) typeset
    again as ``MISDECODINGS[how]`` turns it: each text line where it was, in
    STSong-Light (Helvetica for Latin-1), wrapped at the page's right edge,
    rules and images left out.  What a PDF made from mis-decoded text looks
    like: the font maps are right, the characters are not."""
    import pdfplumber
    import pikepdf
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "Helvetica" if how == "utf8-as-latin1" else "STSong-Light"
    turn = MISDECODINGS[how]
    drawn = path.with_suffix(".misdecoded.pdf")
    c = canvas.Canvas(str(drawn), invariant=1)
    with pdfplumber.open(source) as pdf:
        chosen = [n for n in range(1, len(pdf.pages) + 1) if pages is None or n in pages]
        for n in chosen:
            page = pdf.pages[n - 1]
            c.setPageSize((page.width, page.height))
            for line in page.extract_text_lines(return_chars=True):
                size = float(line["chars"][0]["size"])
                text, y = turn(line["text"]), page.height - line["bottom"]
                right = page.width - 20
                while text and y > 10:
                    cut = len(text)
                    while cut > 1 and line["x0"] + pdfmetrics.stringWidth(text[:cut], font, size) > right:
                        cut -= 1
                    c.setFont(font, size)
                    c.drawString(line["x0"], y, text[:cut])
                    text, y = text[cut:], y - size * 1.2
            c.showPage()
            page.close()
    c.save()
    with pikepdf.open(source) as pdf, pikepdf.open(drawn) as new:
        for page, n in zip(new.pages, chosen):
            pdf.pages[n - 1] = page
        pdf.save(path, deterministic_id=True)
    drawn.unlink()
    return path


# -- valid PDFs that are not what we look for ---------------------------------------


def prose_only(path: Path, pages: int = 2) -> Path:
    """A valid PDF with Chinese prose and no 绩效目标表 (a notice, a report)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), invariant=1)
    for n in range(pages):
        c.setFont("STSong-Light", 16)
        c.drawString(72, 780, "关于做好2023年度工会工作的通知")
        c.setFont("STSong-Light", 11)
        for i, text in enumerate([
            "各基层工会：",
            "为贯彻落实上级工会的工作部署，现将有关事项通知如下。",
            "一、高度重视，加强组织领导，确保各项工作落到实处。",
            "二、突出重点，做好困难职工帮扶和职工权益维护工作。",
            f"三、请于年底前报送工作总结。（第{n + 1}页）",
        ]):
            c.drawString(72, 740 - 22 * i, text)
        c.showPage()
    c.save()
    return path


def many_pages(path: Path, pages: int) -> Path:
    """A valid, cheap PDF with ``pages`` pages (for --max-pages)."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path, deterministic_id=True)
    return path


# -- hostile -----------------------------------------------------------------------


def _deflate_repeated(chunk: bytes, total: int) -> bytes:
    z = zlib.compressobj(9)
    out = []
    block = chunk * max(1, (1 << 20) // len(chunk))
    written = 0
    while written < total:
        piece = block[: total - written]
        out.append(z.compress(piece))
        written += len(piece)
    out.append(z.flush())
    return b"".join(out)


def _with_page_content(path: Path, content_deflated: bytes, page: int) -> Path:
    import pikepdf

    with pikepdf.open(SAMPLE) as pdf:
        stream = pikepdf.Stream(pdf, content_deflated)
        stream.Filter = pikepdf.Name.FlateDecode
        target = pdf.pages[page - 1].obj
        target.Contents = pikepdf.Array([target.Contents, pdf.make_indirect(stream)])
        pdf.save(path, deterministic_id=True, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return path


def decompression_bomb(path: Path, inflated_mb: int = 256, page: int = 2) -> Path:
    """The sample with an extra content stream on one page that is a few
    hundred KB on disk and inflates to ``inflated_mb`` MB of whitespace."""
    return _with_page_content(path, _deflate_repeated(b" " * 64, inflated_mb << 20), page)


def slow_page(path: Path, inflated_mb: int = 8, page: int = 2) -> Path:
    """The sample with an extra content stream of harmless operators
    (``q Q``) that takes the PDF parser minutes to interpret but stays
    under the stream-size limit: a stuck conversion, for the timeout."""
    return _with_page_content(path, _deflate_repeated(b"q Q\n", inflated_mb << 20), page)


def mutated(data: bytes, rng: random.Random, count: int) -> bytes:
    """``data`` with ``count`` random bytes overwritten (fuzzing)."""
    out = bytearray(data)
    for _ in range(count):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


# -- what the machine can render ------------------------------------------------------


def renders_cjk_without_embedding() -> bool:
    """Whether pdfium draws Chinese text set in a font the PDF does not
    embed (reportlab's STSong-Light, as ``misdecoded`` and ``prose_only``
    use): it substitutes a CJK font of the system when there is one
    (``fonts-wqy-microhei``, ``fonts-noto-cjk``), and draws nothing without
    one.  A page rasterized for OCR is then blank."""
    import pypdfium2
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(120, 40), invariant=1)
    c.setFont("STSong-Light", 24)
    c.drawString(8, 10, "部门整体")
    c.showPage()
    c.save()
    pdf = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        image = pdf[0].render(scale=1, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    dark = sum(image.histogram()[:128])
    return dark > 50  # four characters at 24 pt: hundreds of dark pixels
