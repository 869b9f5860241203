"""The report's list of platform partners sorts names naturally: "Synthetic partner 1, 10, 11,
…, 2" was the order of a regional platform's 40 partners (as text)."""

from __future__ import annotations

from dataclasses import replace

from kipu.core.report.view import make_view


def test_numbers_in_partner_names_sort_by_value(empty_report_context) -> None:  # noqa: ANN001
    partners = [
        "Synthetic partner 10", "Synthetic partner 2", "Another synthetic partner",
        "Synthetic partner 1", "synthetic Partner 11", "Ágora 3", "Agora 20", "Partner 007",
        "Partner 7", "Partner 2b", "Partner 2", "Partner",
    ]  # fmt: skip
    view = make_view(replace(empty_report_context("en"), partners=partners), {})
    assert view.partners.split(" | ") == [
        "Ágora 3", "Agora 20", "Another synthetic partner",
        "Partner", "Partner 2", "Partner 2b", "Partner 007", "Partner 7",
        "Synthetic partner 1", "Synthetic partner 2", "Synthetic partner 10",
        "synthetic Partner 11",
    ]  # fmt: skip
