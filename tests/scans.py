"""Scans made from a PDF: its pages rasterized, grey, slightly turned and
noisy, written as an image-only PDF (what the OCR stage reads).  Used by
``tests/test_ocr.py`` and by the benchmark's OCR input
(``benchmarks/inputs.py``); the PDFs are made where they are needed, never
kept in git."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "julu-2023-zonggonghui.pdf"


def scan(path: Path, pages, dpi: int, *, angles=(0.0,), noise: float = 0.0, seed: int = 7, source: Path = SAMPLE) -> Path:
    """Pages of ``source`` rasterized at ``dpi`` (pypdfium2), grey, each
    rotated by its angle (degrees, cycling through ``angles``) and with
    Gaussian noise, written as an image-only PDF at the same resolution
    (Pillow): a scan, as the OCR stage reads it."""
    import numpy as np
    import pypdfium2
    from PIL import Image

    rng = np.random.default_rng(seed)
    src = pypdfium2.PdfDocument(str(source))
    images = []
    try:
        for k, number in enumerate(pages):
            page = src[number - 1]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = angles[k % len(angles)]
            if angle:
                image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
            if noise:
                pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, noise, (image.height, image.width))
                image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            images.append(image)
    finally:
        src.close()
    tmp = path.with_suffix(".tmp.pdf")
    images[0].save(tmp, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    tmp.replace(path)
    return path
