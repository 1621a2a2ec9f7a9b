"""On PostgreSQL, refuse any change to a released document or to its redactions at the
database itself: publication is final."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION publication_released_document_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' OR OLD.state = 'released' THEN
    RAISE EXCEPTION 'a released document cannot be changed: %% refused', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER publication_document_final
  BEFORE UPDATE OR DELETE ON publication_redacteddocument
  FOR EACH ROW EXECUTE FUNCTION publication_released_document_is_final();

CREATE FUNCTION publication_redaction_of_released_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  document_id bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    document_id := OLD.document_id;
  ELSE
    document_id := NEW.document_id;
  END IF;
  IF EXISTS (
    SELECT 1 FROM publication_redacteddocument
    WHERE id = document_id AND state = 'released'
  ) OR (TG_OP = 'UPDATE' AND EXISTS (
    SELECT 1 FROM publication_redacteddocument
    WHERE id = OLD.document_id AND state = 'released'
  )) THEN
    RAISE EXCEPTION 'the redactions of a released document cannot be changed: %% refused', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER publication_redaction_final
  BEFORE INSERT OR UPDATE OR DELETE ON publication_redaction
  FOR EACH ROW EXECUTE FUNCTION publication_redaction_of_released_is_final();
CREATE TRIGGER publication_document_no_truncate
  BEFORE TRUNCATE ON publication_redacteddocument
  FOR EACH STATEMENT EXECUTE FUNCTION publication_released_document_is_final();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS publication_document_no_truncate ON publication_redacteddocument;
DROP TRIGGER IF EXISTS publication_redaction_final ON publication_redaction;
DROP FUNCTION IF EXISTS publication_redaction_of_released_is_final();
DROP TRIGGER IF EXISTS publication_document_final ON publication_redacteddocument;
DROP FUNCTION IF EXISTS publication_released_document_is_final();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
