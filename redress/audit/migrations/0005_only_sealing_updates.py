"""On PostgreSQL, let the append-only trigger admit one UPDATE: sealing an unsealed event.

An event is written unsealed and sealed after its writer's commit (`redress.audit.services`). The
trigger from 0003 now allows an UPDATE only of an event that is not yet sealed, and only one that
seals it (gives `seq`, `prev_hash` and `hash`, all three) while every other column stays as it
was; any other UPDATE, re-sealing included, and every DELETE and TRUNCATE are refused as before.
The columns are compared as whole rows less those three, so a column added later is covered.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash']
           = to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash'] THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: UPDATE refused on audit_auditevent '
      '(only sealing an unsealed event may change it, and only its seq, prev_hash and hash)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: %% refused on audit_auditevent', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

# 0003's function: no UPDATE at all.
BACKWARD = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: %% refused on audit_auditevent', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_after_commit")]
    operations = [migrations.RunPython(forward, backward)]
