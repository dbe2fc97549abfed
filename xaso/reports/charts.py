"""PNG charts for the reports, drawn with Pillow (a light dependency: no plotting library, no numpy).

Two charts: the progress of each pillar (horizontal bars, 0–100%) and the trend of key indicators (lines over
months or years). Labels use Vietnamese number style (70,6%) and a font with Vietnamese glyphs found on the
machine (Liberation Sans from fonts-liberation2, DejaVu Sans from fonts-dejavu-core).
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from xaso.core.formatting import format_number, format_percent

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
COLOURS = ["#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#6c3483", "#117a65"]
INK, GRID, BAR_BG = "#222222", "#cccccc", "#eeeeee"
SCALE = 2  # drawn at twice the size, then shrunk: smooth edges without anti-aliasing support in ImageDraw


@cache
def _font(size: int, bold: bool = False):
    for path in BOLD_CANDIDATES + FONT_CANDIDATES if bold else FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def _png(image: Image.Image) -> bytes:
    image = image.resize((image.width // SCALE, image.height // SCALE), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(200, 200))
    return out.getvalue()


def progress_chart(rows: list[tuple[str, float, int]], *, title: str = "") -> bytes | None:
    """Horizontal bars: for each pillar, the mean share of the way to its targets (0–100%), labelled `72,5%`."""
    if not rows:
        return None
    s = SCALE
    width, bar_h, gap, left, top = 1400, 60, 28, 470, 90 if title else 30
    height = top + len(rows) * (bar_h + gap) + 60
    image = Image.new("RGB", (width * s, height * s), "white")
    draw = ImageDraw.Draw(image)
    label_font, small = _font(30), _font(26)
    if title:
        draw.text((width * s // 2, 30 * s), title, fill=INK, font=_font(28, bold=True), anchor="mt")
    plot_w = width - left - 170
    for pct in (0, 25, 50, 75, 100):
        x = (left + plot_w * pct / 100) * s
        draw.line([(x, top * s - 10 * s), (x, (height - 50) * s)], fill=GRID, width=s)
        draw.text((x, (height - 40) * s), f"{pct}%", fill=INK, font=small, anchor="mt")
    for i, (label, value, count) in enumerate(rows):
        y = (top + i * (bar_h + gap)) * s
        draw.text(((left - 16) * s, y + bar_h * s // 2), f"{label} ({count})", fill=INK, font=label_font, anchor="rm")
        draw.rectangle([left * s, y, (left + plot_w) * s, y + bar_h * s], fill=BAR_BG)
        end = left + plot_w * max(0.0, min(100.0, value)) / 100
        draw.rectangle([left * s, y, end * s, y + bar_h * s], fill=COLOURS[i % len(COLOURS)])
        draw.text(((left + plot_w + 12) * s, y + bar_h * s // 2), format_percent(value), fill=INK, font=label_font,
                  anchor="lm")  # fmt: skip
    return _png(image)


def trend_chart(
    labels: list[str], series: list[tuple[str, list[float | None]]], *, percent: bool = True
) -> bytes | None:
    """Lines over periods for a few indicators, with a legend; gaps where a period has no figure."""
    if not series or len(labels) < 2:
        return None
    s = SCALE
    width, height, left, right, top = 1400, 620, 120, 40, 40
    legend_h = 44 * len(series)
    bottom = 80 + legend_h
    image = Image.new("RGB", (width * s, height * s + legend_h * s), "white")
    draw = ImageDraw.Draw(image)
    small, label_font = _font(26), _font(28)
    plot_w, plot_h = width - left - right, height - top - 80
    values = [v for _name, vs in series for v in vs if v is not None]
    top_value = 100.0 if percent and max(values) <= 100 else max(values) * 1.1 or 1.0
    for i in range(6):
        v = top_value * i / 5
        y = (top + plot_h - plot_h * i / 5) * s
        draw.line([(left * s, y), ((left + plot_w) * s, y)], fill=GRID, width=s)
        text = format_percent(v, 0) if percent else format_number(v)
        draw.text(((left - 12) * s, y), text, fill=INK, font=small, anchor="rm")

    def x_of(i: int) -> float:
        return (left + plot_w * (i + 0.5) / len(labels)) * s

    for i, label in enumerate(labels):
        draw.text((x_of(i), (top + plot_h + 14) * s), label, fill=INK, font=small, anchor="mt")
    for n, (name, vs) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = [(x_of(i), (top + plot_h - plot_h * v / top_value) * s) if v is not None else None
                  for i, v in enumerate(vs)]  # fmt: skip
        for a, b in zip(points, points[1:], strict=False):
            if a and b:
                draw.line([a, b], fill=colour, width=4 * s)
        for p in points:
            if p:
                r = 7 * s
                draw.ellipse([p[0] - r, p[1] - r, p[0] + r, p[1] + r], fill=colour)
        y = (height - bottom + 80 + 44 * n + 10) * s + 30 * s
        draw.rectangle([left * s, y - 8 * s, (left + 40) * s, y + 8 * s], fill=colour)
        draw.text(((left + 56) * s, y), name, fill=INK, font=label_font, anchor="lm")
    return _png(image)
