"""Every form renders through the design system (xaso/core/forms.py): labels, errors, Vietnamese widgets, dates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.utils import translation

from xaso.core.forms import DayMonthYearDateInput


class SampleForm(forms.Form):
    when = forms.DateField(label="Ngày ban hành", widget=DayMonthYearDateInput())
    kind = forms.ChoiceField(
        label="Cách lập", choices=[("a", "Từ khung"), ("b", "Từ năm trước")], widget=forms.RadioSelect
    )
    area = forms.ChoiceField(label="Lĩnh vực", choices=[("", "---------"), ("gov", "Chính quyền số")], required=False)
    tags = forms.MultipleChoiceField(label="Chỉ số", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple,
                                     required=False)  # fmt: skip
    proof = forms.FileField(label="Minh chứng", required=False)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_a_date_is_typed_and_shown_day_first():
    form = SampleForm({"when": "03/04/2026", "kind": "a"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2026, 4, 3)  # 3 April, never 4 March
    html = str(SampleForm(initial={"when": date(2026, 12, 31)}))
    assert 'value="31/12/2026"' in html and 'type="text"' in html and 'type="date"' not in html
    assert "Ngày/tháng/năm, ví dụ 31/12/2026." in html
    assert not SampleForm({"when": "12/31/2026", "kind": "a"}).is_valid()  # month 31 does not exist


def test_the_empty_choice_of_a_select_reads_chon():
    html = str(SampleForm())
    assert '<option value="" selected>— Chọn —</option>' in html
    assert "---------" not in html and "Select" not in html


def test_radios_and_checkboxes_sit_beside_their_labels():
    html = str(SampleForm())
    assert re.search(
        r'<div class="usa-radio"><input type="radio" name="kind" value="a"[^>]*class="usa-radio__input"[^>]*'
        r'id="id_kind_0"[^>]*><label class="usa-radio__label" for="id_kind_0">Từ khung</label></div>',
        html,
    ), html
    assert (
        'class="usa-checkbox__input"' in html and '<label class="usa-checkbox__label" for="id_tags_0">X</label>' in html
    )
    assert '<legend class="usa-legend">Cách lập</legend>' in html


def test_errors_are_summarised_on_top_and_told_beside_the_field():
    html = str(SampleForm({"when": "31/02/2026"}))
    summary = html.split("data-error-summary")[1].split("</ul>")[0]
    assert "Có 2 chỗ cần sửa" in summary
    assert '<a href="#id_when">Ngày ban hành:' in summary and '<a href="#id_kind">Cách lập:' in summary
    assert 'id="id_when_error"' in html and 'aria-describedby="id_when_helptext id_when_error"' in html
    assert 'aria-invalid="true"' in html and "usa-input--error" in html


def test_a_file_picker_is_labelled_in_vietnamese():
    html = str(SampleForm())
    assert "Chọn tệp…" in html and "Chưa chọn tệp nào" in html
    assert 'class="xaso-file__input"' in html and 'aria-describedby="id_proof_file"' in html


def test_an_optional_field_says_so():
    html = str(SampleForm())
    assert re.search(r'for="id_area">Lĩnh vực <span class="xaso-optional">\(không bắt buộc\)</span>', html)
    assert not re.search(r'for="id_when">Ngày ban hành <span class="xaso-optional">', html)
