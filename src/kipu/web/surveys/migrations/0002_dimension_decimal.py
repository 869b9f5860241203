"""Say, in each stored indicators file, whether a binned disaggregation's question may hold
fractions (`Dimension.decimal`): its groups were labelled "500-999" as if its answers were
whole, and 999.5 was counted in "500-999". Only an integer question's answers are whole."""

from django.db import migrations


def mark_decimal(apps, schema_editor):  # noqa: ANN001, ANN201
    Survey = apps.get_model("surveys", "Survey")
    for survey in Survey.objects.all():
        types = {}
        for question in (survey.form or {}).get("questions", ()):
            types[question.get("path")] = question.get("type")
        dimensions = (survey.indicators or {}).get("dimensions", {})
        for dimension in dimensions.values():
            decimal = bool(dimension.get("bins")) and types.get(dimension["question"]) != "integer"
            dimension["decimal"] = decimal
        survey.save(update_fields=["indicators"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(mark_decimal, migrations.RunPython.noop)]
