from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "kipu.web.console"
    label = "kipu_console"
