from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "kipu.web.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
