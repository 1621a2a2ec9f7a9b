"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on published releases at the database."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION transparency_release_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a published release cannot be changed: %% refused on transparency_release',
    TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER transparency_release_no_update_delete
  BEFORE UPDATE OR DELETE ON transparency_release
  FOR EACH ROW EXECUTE FUNCTION transparency_release_is_immutable();
CREATE TRIGGER transparency_release_no_truncate
  BEFORE TRUNCATE ON transparency_release
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_release_is_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS transparency_release_no_truncate ON transparency_release;
DROP TRIGGER IF EXISTS transparency_release_no_update_delete ON transparency_release;
DROP FUNCTION IF EXISTS transparency_release_is_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
