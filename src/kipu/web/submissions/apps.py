from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "kipu.web.submissions"
    label = "submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Month publication and locking live here; the scoping layer asks through these.
        from kipu.web.accounts.scope import register_month_status
        from kipu.web.submissions.months import (
            locked_months,
            published_months,
            published_months_of,
        )

        register_month_status(
            published=published_months, locked=locked_months, published_of=published_months_of
        )
