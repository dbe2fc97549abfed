"""The feedback categories every commune starts with, and their answer deadlines (calendar days from the
citizen's confirmation): shorter for order and the environment, longer for land and construction, which need a
site visit. Migration 0002 loaded the same list (a migration keeps its own frozen copy); an administrator changes
names and deadlines in the admin."""

from __future__ import annotations

from .models import Category

DEFAULT_CATEGORIES = [
    (
        "ha-tang",
        "Hạ tầng: đường, cầu, cống, điện chiếu sáng",
        "Infrastructure: roads, bridges, drains, street lights",
        10,
    ),
    ("moi-truong", "Môi trường, rác thải, ô nhiễm", "Environment, waste, pollution", 7),
    ("an-ninh-trat-tu", "An ninh, trật tự, an toàn giao thông", "Public order and road safety", 5),
    ("dat-dai-xay-dung", "Đất đai, xây dựng", "Land and construction", 15),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính, dịch vụ công", "Administrative procedures, public services", 10),
    ("y-te-giao-duc", "Y tế, giáo dục, chính sách xã hội", "Health, education, social policy", 10),
    (
        "chuyen-doi-so",
        "Chuyển đổi số: Internet, sóng di động, ứng dụng",
        "Digital: Internet, mobile coverage, apps",
        10,
    ),
    ("khac", "Vấn đề khác", "Other", 10),
]


def categories_ensure() -> int:
    """Create the default categories that are missing (an administrator's changes to existing ones are kept);
    returns how many were created. The demo loader calls it: a database emptied of its reference data (a test
    server's flush) gets them back."""
    have = set(Category.objects.values_list("code", flat=True))
    missing = [
        Category(code=code, name=name, name_en=name_en, deadline_days=days, order=order)
        for order, (code, name, name_en, days) in enumerate(DEFAULT_CATEGORIES, 1)
        if code not in have
    ]
    Category.objects.bulk_create(missing)
    return len(missing)
