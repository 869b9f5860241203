"""Figures of a platform: the stored activities through the core figure engine."""
