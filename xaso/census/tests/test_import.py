"""Existing household lists imported through the register machinery: known headers, a mapping step for a new
layout, de-duplication on head of household and village, errors by row and column, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from xaso.census.models import Household
from xaso.census.register import HOUSEHOLDS
from xaso.census.services import household_submit
from xaso.indicators.models import DataValue
from xaso.privacy.models import AccessLog
from xaso.registers.models import RegisterImport
from xaso.registers.services import import_map, import_start

from .conftest import record

pytestmark = pytest.mark.django_db


def upload(text: str, name: str = "ds.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


KNOWN = (
    "DANH SÁCH HỘ GIA ĐÌNH ẤP 1\n\n"
    "STT,Thôn,Họ tên chủ hộ,Địa chỉ,Số điện thoại,Cáp quang\n"
    "1,Ấp 1,Nguyễn Văn Một,Xóm Trên,0912345678,Có\n"
    "2,Ấp 1,Trần Thị Hai,,,Không\n"
    "3,Ấp 2,Lê Văn Ba,Xóm Dưới,,x\n"
)


def test_a_known_list_imports_at_once(census_catalog, an_vien_villages, an_vien, an_vien_officer):
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(KNOWN))
    assert job.status == RegisterImport.Status.DONE, (job.error, job.report)
    assert (job.created, job.updated, job.unchanged) == (3, 0, 0)
    one = Household.objects.get(head_name="Nguyễn Văn Một")
    assert (one.village, one.address, one.phone, one.answers) == (
        an_vien_villages[0], "Xóm Trên", "0912345678", {"fibre": True},
    )  # fmt: skip
    assert one.consent_method == "pending"  # asked at the first visit
    year = str(timezone.localdate().year)
    fibre = DataValue.objects.get(unit=an_vien_villages[0], period__code=year, data_element__code="households_fibre")
    assert fibre.value == 1
    log = AccessLog.objects.get(action="import")
    assert (log.count, log.unit) == (3, an_vien)


def test_reimport_and_existing_households_are_not_duplicated(census_catalog, an_vien_villages, an_vien,
                                                             an_vien_officer):  # fmt: skip
    household_submit(user=an_vien_officer, record=record(an_vien_villages[0], head_name="NGUYEN  van một"))
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(KNOWN))
    assert (job.created, job.updated, job.unchanged) == (2, 1, 0), job.report
    assert Household.objects.count() == 3
    again = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(KNOWN))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Household.objects.count() == 3


def test_flipped_same_head_in_another_village_is_another_household(census_catalog, an_vien_villages, an_vien,
                                                                   an_vien_officer):  # fmt: skip
    household_submit(user=an_vien_officer, record=record(an_vien_villages[1], head_name="Nguyễn Văn Một"))
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(KNOWN))
    assert job.created == 3 and Household.objects.filter(head_name__iexact="Nguyễn Văn Một").count() == 2


def test_errors_name_row_and_column_and_save_nothing(census_catalog, an_vien_villages, an_vien, an_vien_officer):
    bad = KNOWN + "4,Ấp 9,Phạm Văn Bốn,,,Có\n5,Ấp 1,trần thị hai,,,\n6,Ấp 1,Đỗ Năm,,12ab,\n"
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(bad))
    assert job.status == RegisterImport.Status.FAILED
    errors = [(e["row"], e["column"]) for e in job.report["errors"]]
    assert (7, "Thôn") in errors and (8, "Họ tên chủ hộ") in errors
    assert not Household.objects.exists()


def test_a_bad_cell_is_named_by_its_column_not_by_the_fields_key(
    census_catalog, an_vien_villages, an_vien, an_vien_officer
):
    text = "Thôn,Họ tên chủ hộ,Số điện thoại\nẤp 1,Nguyễn Văn Một,12ab\n"
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(text))
    assert job.status == RegisterImport.Status.FAILED
    [error] = job.report["errors"]
    assert (error["row"], error["column"]) == (2, "Số điện thoại")
    assert error["message"] == "số điện thoại không hợp lệ (8 đến 15 chữ số)."
    assert not Household.objects.exists()


def test_a_new_layout_is_mapped_once(census_catalog, an_vien_villages, an_vien, an_vien_officer, client):
    text = "Tên chủ hộ gia đình,Tên ấp,Nhà có cáp quang\nHoàng Văn Sáu,Ấp 2,1\n"
    job = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(text))
    assert job.status == RegisterImport.Status.MAPPING
    client.force_login(an_vien_officer)
    assert client.get(reverse("registers:mapping", kwargs={"pk": job.pk})).status_code == 200
    job = import_map(user=an_vien_officer, register_import=job, columns={
        "ten_chu_ho_gia_dinh": "head_name", "ten_ap": "village", "nha_co_cap_quang": "fibre"})  # fmt: skip
    assert job.status == RegisterImport.Status.DONE, job.report
    assert Household.objects.get().village == an_vien_villages[1]
    second = import_start(user=an_vien_officer, unit=an_vien, register=HOUSEHOLDS, upload=upload(text))
    assert second.status == RegisterImport.Status.DONE and second.unchanged == 1


def test_the_province_cannot_import(census_catalog, an_vien_villages, an_vien, province_analyst):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_start(user=province_analyst, unit=an_vien, register=HOUSEHOLDS, upload=upload(KNOWN))
