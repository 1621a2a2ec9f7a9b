from django.db import migrations, models

SET_ASIDE_HELP = (
    "When the case was sent back to this record's stage or an earlier one (a reviewer's veto, "
    "an appeal's rehearing): the record stays, but no longer counts."
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="set_aside_at",
            field=models.DateTimeField(blank=True, help_text=SET_ASIDE_HELP, null=True),
        ),
        migrations.AddField(
            model_name="hearing",
            name="set_aside_at",
            field=models.DateTimeField(blank=True, help_text=SET_ASIDE_HELP, null=True),
        ),
        migrations.AddField(
            model_name="notice",
            name="set_aside_at",
            field=models.DateTimeField(blank=True, help_text=SET_ASIDE_HELP, null=True),
        ),
        migrations.AddField(
            model_name="notice",
            name="stage",
            field=models.CharField(
                default="", help_text="The stage the case was at.", max_length=40
            ),
            preserve_default=False,
        ),
    ]
