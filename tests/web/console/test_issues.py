"""Issue 14, point 10: the console's issue list shows the issues of each organisation's
current version only (not of uploads a later version replaced or made obsolete), with the
messages in the interface language whatever language the file was checked in."""

from __future__ import annotations

import pytest
from web_actors import client_for, record_5w, write_5w

from kipu.core.validation.issues import CATALOGUE, message
from kipu.web.console import queries
from kipu.web.portal.services import upload_submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def upload(platform, org, user, tmp_path, name: str, month: str, lang: str = "en", **broken):  # noqa: ANN001, ANN003, ANN201
    cells = {(0, column.replace("_", " ")): value for column, value in broken.items()}
    records = [record_5w(org.external_id, month)]
    path = write_5w(platform, tmp_path / f"{name}.xlsx", records, broken=cells)
    return upload_submission(platform, org, month, path, user, lang).submission


def test_a_fixed_upload_hides_the_rejected_ones_issues(
    platform, admin, org_a, org_b, partner_a, partner_b, tmp_path
) -> None:  # noqa: ANN001, E501
    """AVSI's case: ten errors shown though its current version was clean."""
    bad = {"Indicator_Indicator": "NOPE"}
    upload(platform, org_a, partner_a, tmp_path, "a-bad", "2019-07", **bad)
    assert queries.all_issues(platform).by_code == {"unknown-indicator": 1}
    upload(platform, org_a, partner_a, tmp_path, "a-good", "2019-07")
    assert queries.all_issues(platform).issues == []  # the rejected upload stays, its issues go
    # A rejected upload with nothing accepted yet is the organisation's state: it is shown.
    upload(platform, org_b, partner_b, tmp_path, "b-bad", "2019-07", **bad)
    found = queries.all_issues(platform)
    assert [i["submission"].organisation.key for i in found.issues] == ["ORG902"]
    page = client_for(admin).get(f"/console/issues/{Q}").content.decode()
    assert "NOPE" in page and page.count("/portal/submissions/") == 1
    # Another month of the same organisation is its own state.
    upload(platform, org_a, partner_a, tmp_path, "a-aug", "2019-08", Country_Admin1="Atlantis")
    assert queries.all_issues(platform).by_code == {"unknown-admin1": 1, "unknown-indicator": 1}


def test_a_replaced_versions_warnings_are_not_shown(platform, org_a, partner_a, tmp_path) -> None:  # noqa: ANN001
    first = upload(platform, org_a, partner_a, tmp_path, "first", "2019-07")
    first.report = {"issues": [{"code": "old-warning", "severity": "warning", "message": "x"}]}
    first.save()
    assert queries.all_issues(platform).by_code == {"old-warning": 1}
    upload(platform, org_a, partner_a, tmp_path, "second", "2019-07", Activity_Name="Other")
    first.refresh_from_db()
    assert first.status == "superseded"
    assert "old-warning" not in queries.all_issues(platform).by_code


@pytest.mark.parametrize("interface", ["en", "es"])
def test_messages_follow_the_interface_language(
    interface, platform, admin, org_a, partner_a, tmp_path
) -> None:  # noqa: ANN001, E501
    other = "es" if interface == "en" else "en"
    upload(platform, org_a, partner_a, tmp_path, "bad", "2019-07", other, Country_Admin1="Atlantis")
    client = client_for(admin)
    client.cookies["django_language"] = interface
    page = client.get(f"/console/issues/{Q}").content.decode()
    assert message("unknown-admin1", interface, "Atlantis") in page
    assert message("unknown-admin1", other, "Atlantis") not in page


@pytest.mark.parametrize("code", sorted(CATALOGUE))
@pytest.mark.parametrize("source", ["en", "es"])
def test_every_code_is_shown_in_either_language(code: str, source: str) -> None:
    """Every message of the catalogue, stored in one language, is shown in the other with the
    same value, column, detail and suggestion."""
    value, column, detail, suggestion = "Lima Nortee", "Country Admin1", "2019-05, 2019-06", "Lima"
    for target in ("en", "es"):
        stored = {
            "code": code,
            "value": value,
            "column": column,
            "suggestion": suggestion,
            "message": message(code, source, value, column, detail, suggestion),
        }
        assert queries.issue_message(stored, target) == message(
            code, target, value, column, detail, suggestion
        )


def test_a_message_no_template_matches_is_shown_as_stored() -> None:
    stored = {"code": "unknown-admin1", "value": "X", "message": "Written by an older Kipu."}
    assert queries.issue_message(stored, "es") == "Written by an older Kipu."
    assert queries.issue_message({"code": "not-a-code", "message": "m"}, "es") == "m"
