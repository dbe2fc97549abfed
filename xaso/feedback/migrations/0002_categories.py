"""The feedback categories a commune receives, with their answer deadlines.

The deadlines (calendar days from the citizen's confirmation) are starting values: shorter for order and the
environment, longer for land and construction, which need a site visit. An administrator changes them in the admin.
"""

from django.db import migrations

CATEGORIES = [
    ("ha-tang", "Hạ tầng: đường, cầu, cống, điện chiếu sáng", "Infrastructure: roads, bridges, drains, street lights", 10),
    ("moi-truong", "Môi trường, rác thải, ô nhiễm", "Environment, waste, pollution", 7),
    ("an-ninh-trat-tu", "An ninh, trật tự, an toàn giao thông", "Public order and road safety", 5),
    ("dat-dai-xay-dung", "Đất đai, xây dựng", "Land and construction", 15),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính, dịch vụ công", "Administrative procedures, public services", 10),
    ("y-te-giao-duc", "Y tế, giáo dục, chính sách xã hội", "Health, education, social policy", 10),
    ("chuyen-doi-so", "Chuyển đổi số: Internet, sóng di động, ứng dụng", "Digital: Internet, mobile coverage, apps", 10),
    ("khac", "Vấn đề khác", "Other", 10),
]


def add(apps, schema_editor):
    Category = apps.get_model("feedback", "Category")
    for order, (code, name, name_en, days) in enumerate(CATEGORIES, 1):
        Category.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "deadline_days": days, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("feedback", "Category").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
