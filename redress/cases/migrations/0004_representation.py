"""Representations: communications about a case from outside the process.

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on the table, as on the audit log:
staff cannot delete or rewrite one. A test run's flush gets past it the same way it gets past
the audit log's (a session in replica mode; see tests/audit/conftest.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FORWARD = """
CREATE FUNCTION cases_representation_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'representations are append-only: %% refused on cases_representation', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER cases_representation_no_update_delete
  BEFORE UPDATE OR DELETE ON cases_representation
  FOR EACH ROW EXECUTE FUNCTION cases_representation_is_append_only();
CREATE TRIGGER cases_representation_no_truncate
  BEFORE TRUNCATE ON cases_representation
  FOR EACH STATEMENT EXECUTE FUNCTION cases_representation_is_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS cases_representation_no_truncate ON cases_representation;
DROP TRIGGER IF EXISTS cases_representation_no_update_delete ON cases_representation;
DROP FUNCTION IF EXISTS cases_representation_is_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_set_aside'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Representation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('made_by_name', models.CharField(help_text='Who made it, as they gave it.', max_length=200)),
                ('made_by_role', models.CharField(blank=True, help_text='Their office or position, as they gave it.', max_length=200)),
                ('position', models.CharField(choices=[('senior_official', 'Senior official'), ('elected_representative', 'Elected representative'), ('press_office', 'Press office'), ('other', 'Other')], max_length=30)),
                ('received_at', models.DateTimeField()),
                ('channel', models.CharField(choices=[('email', 'Email'), ('phone', 'Phone call'), ('letter', 'Letter'), ('meeting', 'In person'), ('message', 'Text or chat message'), ('other', 'Other')], max_length=10)),
                ('summary', models.TextField()),
                ('content', models.TextField(blank=True, help_text='The communication itself, where it exists.')),
                ('recorded_at', models.DateTimeField()),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='representations', to='cases.case')),
                ('made_by_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='representations', to='people.person')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.organisation')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['case', 'received_at'], name='representation_case_idx'), models.Index(fields=['organisation', 'recorded_at'], name='representation_recent_idx')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
