"""The inspect view drawn and written: each page rendered with the marks
``inspect_view`` works out for it (``render_page``), the page images and
``index.html`` (``inspect_html``) written to a folder (``write_inspection``),
and the ``extractor inspect`` command around them (``run``; ``parse_pages``
reads ``--pages``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .inspect_view import Inspection, inspect_pdf, page_marks
from .layout import Box
from .pagestatus import COLOURS as STATUS_COLOURS

TINT_ALPHA = 70
DEFAULT_RESOLUTION = 130
#: Tag text height in PDF points (scaled with the resolution): small enough
#: to leave most of a cell's text readable.
TAG_POINTS = 5.5
#: Opacity of tag backgrounds (0-255): text under a tag stays faintly visible.
TAG_ALPHA = 215
#: Height of the page's status tag (top left), in PDF points: read at a glance.
STATUS_POINTS = 9.0


# -- drawing -------------------------------------------------------------------------------------


def _font(px: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow < 10.1: the fixed bitmap font
        return ImageFont.load_default()


def _ink(colour) -> tuple[int, int, int]:
    r, g, b = colour
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 150 else (255, 255, 255)


class _Canvas:
    def __init__(self, image, bbox, scale: float):
        from PIL import ImageDraw

        self.image = image.convert("RGBA")
        self.bbox, self.scale = bbox, scale
        self.font = _font(max(8, round(TAG_POINTS * scale)))
        self.tints: list = []
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def xy(self, box: Box) -> tuple[int, int, int, int]:
        s, (ox, oy) = self.scale, self.bbox[:2]
        return (round((box.x0 - ox) * s), round((box.top - oy) * s), round((box.x1 - ox) * s), round((box.bottom - oy) * s))

    def tint(self, box: Box, colour, alpha: int = TINT_ALPHA) -> None:
        self.tints.append((self.xy(box), (*colour, alpha)))

    def flush_tints(self) -> None:
        from PIL import Image, ImageDraw

        if not self.tints:
            return
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for xy, fill in self.tints:
            draw.rectangle(xy, fill=fill)
        self.image = Image.alpha_composite(self.image, layer)
        self.draw = ImageDraw.Draw(self.image, "RGBA")
        self.tints = []

    def outline(self, box: Box, colour, width: int = 1, inset: int = 0) -> None:
        x0, y0, x1, y1 = self.xy(box)
        self.draw.rectangle((x0 + inset, y0 + inset, max(x0 + inset, x1 - inset), max(y0 + inset, y1 - inset)),
                            outline=colour, width=width)

    def tag(self, x: int, y: int, text: str, colour, anchor: str = "la", alpha: int = TAG_ALPHA, font=None):
        """A label on a filled box; ``anchor`` left/right + top/bottom;
        kept inside the image."""
        if not text:
            return (x, y, x, y)
        font = font or self.font
        l, t, r, b = self.draw.textbbox((0, 0), text, font=font)
        w, h = r - l + 4, b - t + 2
        x0 = x if anchor[0] == "l" else x - w
        y0 = y if anchor[1] == "a" else y - h
        x0 = max(0, min(x0, self.image.width - w))
        y0 = max(0, min(y0, self.image.height - h))
        self.draw.rectangle((x0, y0, x0 + w - 1, y0 + h - 1), fill=(*colour, alpha))
        self.draw.text((x0 + 2 - l, y0 + 1 - t), text, font=font, fill=_ink(colour))
        return (x0, y0, x0 + w, y0 + h)


def render_page(inspection: Inspection, pdf_page, page: int, resolution: int = DEFAULT_RESOLUTION):
    """The page rendered at ``resolution`` dpi with its marks drawn on it
    (a PIL image of the page's size)."""
    page_image = pdf_page.to_image(resolution=resolution, antialias=True)
    canvas = _Canvas(page_image.original, page_image.bbox, page_image.scale)
    marks = page_marks(inspection, page)
    for m in marks:
        if m.kind in ("field", "continued", "label"):
            canvas.tint(m.box, m.colour)
        elif m.kind == "furniture":
            canvas.tint(m.box, m.colour, 110)
    canvas.flush_tints()
    w = max(1, round(resolution / 50))
    for m in marks:
        if m.kind == "cell":
            canvas.outline(m.box, m.colour, 1)
        elif m.kind == "grid":
            canvas.outline(m.box, m.colour, w + 1)
        elif m.kind == "header":
            canvas.outline(m.box, m.colour, w, inset=1)
        elif m.kind in ("text", "furniture"):
            canvas.outline(m.box, m.colour, 1)
        elif m.kind == "unread":
            canvas.outline(m.box, m.colour, w, inset=2)
        elif m.kind == "warning":
            canvas.outline(m.box, m.colour, w + 2, inset=1)
    # Tags last, so that outlines never cross them.  A table read from text
    # alignment has cells as tight as their text, as are the ends of cells
    # read from lines opening the page: tags go outside them.
    layout = inspection.layout(page)
    tight = {c.box for g in (layout.grids if layout else ()) if g.source == "text" for c in g.cells}
    tight |= {span.box for form in inspection.forms.forms for _, span in form.row_ends if span.page == page}
    for m in marks:
        x0, y0, x1, y1 = canvas.xy(m.box)
        if m.kind == "cell":
            if m.box in tight:
                canvas.tag(x0, y0 - 1, m.tag, (255, 255, 255), "ld", alpha=170)
            else:
                canvas.tag(x0 + 2, y0 + 2, m.tag, (255, 255, 255), alpha=170)
        elif m.kind == "grid":
            canvas.tag(x0, y0 - 2, m.tag, m.colour, "ld")
        elif m.kind in ("field", "continued", "label", "header", "unread"):
            if m.box in tight:
                canvas.tag(x1, y1 + 1, m.tag, m.colour, "ra")
            else:
                canvas.tag(x1 - 2, y1 - 2, m.tag, m.colour, "rd")
        elif m.kind in ("text", "furniture") and m.tag:
            canvas.tag(x1, y0 - 1, m.tag, m.colour, "rd")
        elif m.kind == "warning":
            canvas.tag(x1 - 2, y0 + 2, f"! {m.tag}", m.colour, "ra")
    status = inspection.statuses.get(page)
    if status is None:
        canvas.tag(4, 4, f"page {page}", (0, 0, 0), alpha=255)
    else:  # why this page was or was not read, where the eye lands first
        canvas.tag(4, 4, f"page {page}: {status.label}", STATUS_COLOURS[status.status], alpha=255,
                   font=_font(max(12, round(STATUS_POINTS * canvas.scale))))
    return canvas.image.convert("RGB")


# -- the command ----------------------------------------------------------------------------------


class PageSpecError(ValueError):
    pass


def parse_pages(spec: Optional[str], count: int) -> list[int]:
    """"5-6,9" -> [5, 6, 9]; "7-" runs to the last page; None is every page."""
    if not spec:
        return list(range(1, count + 1))
    pages: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        try:
            start = int(lo) if lo else 1
            end = (int(hi) if hi else count) if dash else start
        except ValueError:
            raise PageSpecError(f"bad page range {part!r} (use e.g. 5-6,9)") from None
        if start < 1 or end > count or start > end:
            raise PageSpecError(f"page {part} is outside the document's pages 1-{count}")
        pages.update(range(start, end + 1))
    if not pages:
        raise PageSpecError(f"no pages in {spec!r}")
    return sorted(pages)


def write_inspection(
    path: str | Path,
    out_dir: str | Path,
    *,
    pages: Optional[str] = None,
    resolution: int = DEFAULT_RESOLUTION,
    password: Optional[str] = None,
    settings=None,
    inspection: Optional[Inspection] = None,
) -> list[Path]:
    """Write the page images and index.html; returns the files written."""
    from .pages import open_pdf
    from .settings import DEFAULT

    settings = settings or DEFAULT
    out_dir = Path(out_dir)
    written: list[Path] = []
    images: list[tuple[int, str]] = []
    with open_pdf(path, password=password, settings=settings) as opened:
        numbers = parse_pages(pages, opened.page_count)
        inspection = inspection or inspect_pdf(path, settings=settings, password=password)
        out_dir.mkdir(parents=True, exist_ok=True)
        digits = max(3, len(str(opened.page_count)))
        for n in numbers:
            name = f"page-{n:0{digits}d}.png"
            image = render_page(inspection, opened.pdf.pages[n - 1], n, resolution)
            image.save(out_dir / name, format="PNG")
            written.append(out_dir / name)
            images.append((n, name))
    from .inspect_html import render_html

    index = out_dir / "index.html"
    index.write_text(render_html(inspection, images), encoding="utf-8")
    written.append(index)
    return written


def run(args) -> int:
    """Entry point of ``extractor inspect`` (arguments from ``cli._parser``)."""
    import sys

    from .errors import ExtractorError

    from .settings import DEFAULT

    # --all-pages: no first pass, so the pages it would skip are parsed and drawn as read
    settings = DEFAULT.replace(triage=False) if getattr(args, "all_pages", False) else DEFAULT
    try:
        written = write_inspection(args.file, args.output, pages=args.pages, resolution=args.resolution,
                                   password=args.password, settings=settings)
    except PageSpecError as exc:
        print(f"extractor inspect: {exc}", file=sys.stderr)
        return 2
    except ExtractorError as exc:
        print(f"FAILED {args.file}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    images = [p for p in written if p.suffix == ".png"]
    print(f"ok {args.file} -> {written[-1]} ({len(images)} page images)", file=sys.stderr)
    return 0
