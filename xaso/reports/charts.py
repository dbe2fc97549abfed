"""PNG charts for the reports, drawn with Pillow (a light dependency: no plotting library, no numpy).

Two charts: the targets of each pillar by status (stacked bars coloured by status, with a legend) and the trend of
key indicators (lines over months or years). Labels use Vietnamese number style (70,6%) and the documents' typeface:
Liberation Serif (fonts-liberation2), metric-compatible with Times New Roman and with the Vietnamese letters; DejaVu
Serif when it is missing.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from xaso.core.formatting import format_number, format_percent

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
)
# status → colour: green achieved, blue on track, amber at risk, red off track, grey without data
STATUS_COLOURS = {"achieved": "#2e7d32", "on_track": "#1f5fa8", "at_risk": "#e0a000", "off_track": "#c62828",
                  "no_data": "#9e9e9e"}  # fmt: skip
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


def status_chart(rows: list[tuple[str, dict[str, int]]], labels: dict[str, str]) -> bytes | None:
    """One stacked bar per pillar: how many of its targets are achieved, on track, at risk, off track or without data,
    each part in its status colour with its count, and a legend naming the statuses (`labels`, in the order shown)."""
    if not rows:
        return None
    s = SCALE
    width, bar_h, gap, left, top = 1400, 56, 26, 430, 20
    legend_h = 70
    height = top + len(rows) * (bar_h + gap) + 50 + legend_h
    image = Image.new("RGB", (width * s, height * s), "white")
    draw = ImageDraw.Draw(image)
    label_font, small = _font(30), _font(26)
    plot_w = width - left - 40
    most = max(sum(counts.values()) for _label, counts in rows) or 1
    for i, (label, counts) in enumerate(rows):
        y = (top + i * (bar_h + gap)) * s
        draw.text(((left - 16) * s, y + bar_h * s // 2), label, fill=INK, font=label_font, anchor="rm")
        x = left
        for code in labels:
            n = counts.get(code, 0)
            if not n:
                continue
            w = plot_w * n / most
            draw.rectangle([x * s, y, (x + w) * s, y + bar_h * s], fill=STATUS_COLOURS[code])
            draw.text(((x + w / 2) * s, y + bar_h * s // 2), str(n), fill="white", font=label_font, anchor="mm")
            x += w
    y = (height - legend_h + 10) * s
    widths = [40 + draw.textlength(text, font=small) / s for text in labels.values()]
    x = max(20, (width - sum(widths) - 40 * (len(widths) - 1)) // 2)  # the legend centred under the bars
    for code, text in labels.items():
        draw.rectangle([x * s, y, (x + 30) * s, y + 30 * s], fill=STATUS_COLOURS[code])
        draw.text(((x + 40) * s, y + 15 * s), text, fill=INK, font=small, anchor="lm")
        x += 40 + draw.textlength(text, font=small) / s + 40  # swatch, label, gap
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
