"""The report's chart: each pillar's targets as bars coloured by status (never by pillar), a legend, the documents'
serif typeface."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from xaso.reports import charts

LABELS = {"achieved": "Đã đạt", "on_track": "Đúng tiến độ", "at_risk": "Có nguy cơ chậm", "off_track": "Chậm tiến độ",
          "no_data": "Chưa có số liệu"}  # fmt: skip


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(BytesIO(png)).convert("RGB")
    return {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}


def _hex(code: str) -> tuple[int, int, int]:
    value = charts.STATUS_COLOURS[code]
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _share(png: bytes, code: str) -> int:
    image = Image.open(BytesIO(png)).convert("RGB")
    return sum(1 for pixel in image.get_flattened_data() if pixel == _hex(code))


def test_an_on_track_pillar_is_blue_never_red():
    only_on_track = charts.status_chart([("Kinh tế số", {"on_track": 3})], {"on_track": "Đúng tiến độ"})
    colours = _colours(only_on_track)
    assert _hex("on_track") in colours
    assert _hex("off_track") not in colours


def test_each_status_has_its_colour_sized_by_its_count_and_a_legend():
    png = charts.status_chart([("Chính quyền số", {"achieved": 3, "off_track": 1}), ("Xã hội số", {"no_data": 2})],
                              LABELS)  # fmt: skip
    # the legend shows every status's swatch, even one no pillar has (at risk)
    assert {_hex(code) for code in LABELS} <= _colours(png)
    # three achieved targets take about three times the bar an off-track one does (minus the legend's swatch)
    achieved, off_track = _share(png, "achieved"), _share(png, "off_track")
    assert 2.5 < achieved / off_track < 3.5


def test_charts_are_drawn_in_the_documents_serif_typeface():
    font = charts._font(20)
    assert font.getname()[0] in ("Liberation Serif", "DejaVu Serif")


def test_no_chart_without_targets():
    assert charts.status_chart([], LABELS) is None
