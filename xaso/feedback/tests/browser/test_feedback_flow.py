"""The feedback proof in a real browser: a citizen on a 390 px phone, without an account, sends feedback with a
photo from the commune's public page, confirms it with the code read from the local provider's outbox; an officer
assigns and answers it; the citizen's tracking page shows the answer; the public list shows it without the sender's
phone and the published photo without EXIF. Screenshots: var/screenshots/feedback-*."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from xaso.coc.models import Publication
from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, screenshot
from xaso.feedback.models import Feedback, Status
from xaso.notify.models import OutboxMessage

from ..conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, f"feedback-{name}")


def test_citizen_sends_follows_and_reads_the_answer(
    open_session, an_vien, an_vien_officer, an_vien_villages, categories, tmp_path
):
    Publication.objects.create(unit=an_vien, is_published=True)
    photo = tmp_path / "o-ga.jpg"
    photo.write_bytes(jpeg_with_gps(size=(640, 480)))

    citizen = open_session(PHONE)
    page = citizen.page
    page.goto(f"/public/{an_vien.code}/")
    with page.expect_navigation():
        page.locator("[data-testid=feedback-link]").click()
    with page.expect_navigation():
        page.locator("[data-testid=new-feedback]").click()
    assert page.evaluate(OVERFLOW)
    page.select_option("#id_category", label="Hạ tầng: đường, cầu, cống, điện chiếu sáng")
    page.fill("#id_text", "Ổ gà lớn giữa đường liên ấp 1, gọi 0912345678 nếu cần.")
    page.select_option("#id_village", label="Ấp 1")
    page.set_input_files("#id_photos", str(photo))
    page.fill("#id_contact", "0912345678")
    _shot(page, "form-phone")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    assert "/confirm/" in page.url, page.content()[:2000]
    assert "09•••••678" in page.content()
    message = OutboxMessage.objects.get(address="0912345678")
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.locator("[data-testid=confirm]").click()
    feedback = Feedback.objects.get()
    assert feedback.status == Status.CONFIRMED
    assert page.url.endswith(f"/track/{feedback.tracking_code}/")
    assert page.locator("[data-testid=status]").text_content() == "Đã xác nhận"
    tracking_url = page.url
    _shot(page, "tracked-phone")

    officer = open_session(DESKTOP)
    office = officer.page
    officer.login(an_vien_officer.username)
    office.goto(f"/feedback/manage/{an_vien.code}/")
    with office.expect_navigation():
        office.locator(f"text={feedback.tracking_code}").click()
    assert "09•••••678" in office.content() and office.locator("[data-testid=contact]").count() == 0  # masked
    office.select_option("#officer", label=an_vien_officer.full_name)
    with office.expect_navigation():
        office.locator("[data-testid=assign]").click()
    assert office.locator("[data-testid=status]").text_content() == "Đã giao xử lý"
    office.fill("#id_answer", "UBND xã đã vá ổ gà ngày 03/12/2026. Cảm ơn bạn đã phản ánh.")
    with office.expect_navigation():
        office.locator("[data-testid=answer]").click()
    assert office.locator("[data-testid=status]").text_content() == "Đã trả lời"
    # moderation: the phone number in the text is refused, then published without it, with the photo
    office.locator("input[name=photos]").first.check()
    with office.expect_navigation():
        office.locator("[data-testid=publish]").click()
    assert "còn số điện thoại" in office.content()
    office.fill("#id_public_text", "Ổ gà lớn giữa đường liên ấp 1.")
    office.locator("input[name=photos]").first.check()
    with office.expect_navigation():
        office.locator("[data-testid=publish]").click()
    assert "Đã công khai phản ánh." in office.content()
    _shot(office, "officer-desktop")

    page.goto(tracking_url)
    assert page.locator("[data-testid=status]").text_content() == "Đã trả lời"
    assert "đã vá ổ gà ngày 03/12/2026" in page.locator("[data-testid=answer]").inner_text()
    page.locator("label[for=id_rating_0]").click()
    with page.expect_navigation():
        page.locator("[data-testid=rate]").click()
    assert page.locator("[data-testid=status]").text_content() == "Đã đóng"
    assert page.evaluate(OVERFLOW)

    page.goto(f"/feedback/{an_vien.code}/")
    item = page.locator("[data-testid=public-item]")
    assert item.count() == 1
    text = item.inner_text()
    assert "Ổ gà lớn giữa đường liên ấp 1." in text and "đã vá ổ gà" in text
    assert "0912345678" not in page.content() and "09•••••678" not in page.content()
    assert page.evaluate(OVERFLOW)
    _shot(page, "public-phone")
    source = item.locator("img").get_attribute("src")
    served = page.request.get(source)
    assert served.ok and served.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.body())) as image:
        assert image.size == (640, 480)
        exif = image.getexif()
        assert 0x010F not in exif and 0x0110 not in exif and not exif.get_ifd(0x8825)
    assert not citizen.foreign_requests() and not citizen.errors

    # the officer's screens on a phone
    phone = open_session(PHONE)
    phone.login(an_vien_officer.username)
    for url, name in (
        (f"/feedback/manage/{an_vien.code}/?show=done", "officer-list-phone"),
        (f"/feedback/manage/item/{feedback.pk}/", "officer-item-phone"),
    ):
        phone.page.goto(url)
        assert phone.page.evaluate(OVERFLOW), url
        _shot(phone.page, name)
    assert not phone.errors and not officer.errors
