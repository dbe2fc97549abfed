"""The plain many-to-many `Plan.covered_units` gets a model of its own (`CoveredUnit`) on the table Django had
created for it, so each covered commune keeps the name the plan's document gives it and how surely that name was
matched. No row moves: the table, its columns and its rows stay; two columns are added."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('plans', '0005_plan_value_ranges'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CoveredUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='covered_unit_links', to='plans.plan')),
                        ('unit', models.ForeignKey(db_column='adminunit_id', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='geo.adminunit', verbose_name='đơn vị')),
                    ],
                    options={
                        'verbose_name': 'xã thuộc phạm vi',
                        'verbose_name_plural': 'xã thuộc phạm vi',
                        'db_table': 'plans_plan_covered_units',
                        'ordering': ['plan', 'id'],
                        'unique_together': {('plan', 'unit')},
                    },
                ),
                migrations.AlterField(
                    model_name='plan',
                    name='covered_units',
                    field=models.ManyToManyField(blank=True, help_text='Với kế hoạch của huyện/tỉnh áp dụng cho một số xã (ví dụ 10 xã của Nghi Lộc).', related_name='covering_plans', through='plans.CoveredUnit', to='geo.adminunit', verbose_name='các xã thuộc phạm vi'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='coveredunit',
            name='name_in_source',
            field=models.CharField(blank=True, help_text='Tên đơn vị như văn bản nguồn ghi.', max_length=200, verbose_name='tên trong văn bản'),
        ),
        migrations.AddField(
            model_name='coveredunit',
            name='match',
            field=models.CharField(choices=[('certain', 'Khớp chắc chắn'), ('uncertain', 'Khớp chưa chắc chắn')], default='certain', max_length=10, verbose_name='mức khớp'),
        ),
    ]
