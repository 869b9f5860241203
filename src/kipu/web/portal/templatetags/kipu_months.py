"""`{{ "2019-12"|month_label }}` → "December 2019" / "diciembre de 2019", per language."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def month_label(month: str) -> str:
    try:
        day = dt.date(int(month[:4]), int(month[5:7]), 1)
    except (TypeError, ValueError):
        return month
    return date_format(day, "YEAR_MONTH_FORMAT")


@register.filter
def month_short(month: str) -> str:
    """The month's abbreviated name ("Dec" / "dic"), for grid headings."""
    try:
        day = dt.date(int(month[:4]), int(month[5:7]), 1)
    except (TypeError, ValueError):
        return month
    return date_format(day, "b").capitalize()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None
