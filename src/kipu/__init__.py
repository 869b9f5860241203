"""Kipu: information management for refugee and migrant response platforms."""

__version__ = "0.1.0"
