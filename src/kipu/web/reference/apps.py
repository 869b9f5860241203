from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "kipu.web.reference"
    label = "kipu_reference"
