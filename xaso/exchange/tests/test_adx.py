"""ADX written by xaso validates against the profile's base schema and xaso's data-structure schema; ADX read by
xaso refuses entity tricks, foreign disaggregations and documents the schema refuses, naming where."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree

from xaso.exchange.adx import AdxError, adx_parse, adx_schema, adx_stream, decimal_text

EXPORTED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def document(groups, **kw) -> bytes:
    return "".join(adx_stream(groups, exported=EXPORTED, **kw)).encode()


def sample() -> bytes:
    stamp = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    return document([
        ("26296", "2025-01-01/P1Y", "XASO", [("households_total", 1961.0, stamp), ("households_fibre", 1384.0, None)]),
        ("legacy:16150-01", "2026-01-01/P1M", "XASO", [("dossiers_received", 0.5, stamp)]),
    ], batch_id="b-1")  # fmt: skip


def test_output_validates_against_the_base_and_the_xaso_schema():
    root = etree.fromstring(sample())
    for name in ("adx.xsd", "xaso_adx.xsd"):
        schema = adx_schema(name)
        assert schema.validate(root), (name, schema.error_log)


def test_the_xaso_schema_refuses_what_xaso_never_writes():
    bad = sample().replace(b'period="2025-01-01/P1Y"', b'period="2025-02-01/P1Y"')
    assert adx_schema("adx.xsd").validate(etree.fromstring(bad))  # a valid ADX range…
    assert not adx_schema("xaso_adx.xsd").validate(etree.fromstring(bad))  # …but no xaso year
    negative = sample().replace(b'value="1961"', b'value="-1"')
    assert not adx_schema("xaso_adx.xsd").validate(etree.fromstring(negative))


def test_decimals_have_no_exponent_and_no_trailing_zero():
    assert [decimal_text(v) for v in (1384.0, 70.6, 1e-07, 1e12, 0.0)] == ["1384", "70.6", "0.0000001",
                                                                            "1000000000000", "0"]  # fmt: skip


def test_parse_reads_each_value_with_its_group_position_and_stamp():
    values, batch = adx_parse(sample(), max_values=10)
    assert batch == "b-1"
    assert [(v.group, v.position, v.unit, v.period, v.element, v.value) for v in values] == [
        (1, 1, "26296", "2025-01-01/P1Y", "households_total", "1961"),
        (1, 2, "26296", "2025-01-01/P1Y", "households_fibre", "1384"),
        (2, 1, "legacy:16150-01", "2026-01-01/P1M", "dossiers_received", "0.5"),
    ]
    assert values[0].updated == datetime(2026, 2, 1, 9, 30, tzinfo=UTC) and values[1].updated is None


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE adx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-03-01T00:00:00Z"><group orgUnit="&secret;" period="2025-01-01/P1Y">
<dataValue dataElement="households_total" value="1"/></group></adx>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-03-01T00:00:00Z"><group orgUnit="&lol3;" period="2025-01-01/P1Y">
<dataValue dataElement="households_total" value="1"/></group></adx>"""


@pytest.mark.parametrize("attack", [XXE, LAUGHS, XXE.replace(b"<!DOCTYPE", b"<!DOCTYPE", 1).replace(b"adx [", b"x [")])
def test_entity_attacks_are_refused_before_parsing(attack):
    with pytest.raises(AdxError, match="DOCTYPE"):
        adx_parse(attack, max_values=10)


def test_an_entity_hidden_past_the_head_is_refused_too():
    padded = b'<?xml version="1.0"?>' + b" " * 5000 + XXE.split(b"\n", 1)[1]
    with pytest.raises(AdxError):
        adx_parse(padded, max_values=10)


def test_external_entity_is_never_read_even_if_the_guard_is_bypassed(tmp_path):
    """The parser itself resolves no entity and loads nothing: the file's text never reaches a value."""
    from xaso.exchange.adx import _parser

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = XXE.replace(b"file:///etc/passwd", f"file://{secret}".encode()).replace(b'orgUnit="&secret;"', b'orgUnit="1"')
    doc = doc.replace(b'value="1"/>', b'value="1"><annotation>&secret;</annotation></dataValue>')
    root = etree.fromstring(doc, _parser())
    assert b"TOP-SECRET" not in etree.tostring(root)
    assert "TOP-SECRET" not in "".join(root.itertext())


def test_disaggregation_attributes_are_refused_with_their_position():
    doc = sample().replace(b'dataElement="households_fibre"', b'dataElement="households_fibre" sex="F"')
    with pytest.raises(AdxError) as caught:
        adx_parse(doc, max_values=10)
    assert caught.value.errors[0][0] == "group[1]/dataValue[2]"
    assert "sex" in caught.value.errors[0][1]


def test_schema_errors_name_the_line():
    doc = sample().replace(b'value="1961"', 'value="nhiều"'.encode())
    with pytest.raises(AdxError) as caught:
        adx_parse(doc, max_values=10)
    assert caught.value.errors[0][0].startswith("dòng 4")  # the declaration, <adx>, <group>, then this <dataValue>


def test_wrong_root_and_too_many_values_are_refused():
    with pytest.raises(AdxError, match="gốc"):
        adx_parse(b'<adx xmlns="urn:other" exported="2026-03-01T00:00:00Z"/>', max_values=10)
    with pytest.raises(AdxError, match="Tối đa 2"):
        adx_parse(sample(), max_values=2)
