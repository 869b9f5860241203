"""Kipu's own locale formats (settings.FORMAT_MODULE_PATH). A name not defined here falls back
to Django's format module for the language."""
