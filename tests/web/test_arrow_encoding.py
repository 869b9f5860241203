"""PostgreSQL's rows read through ADBC come as UTF-8 text whatever the client encoding the
environment asks for (PGCLIENTENCODING, or a LATIN1 database's default): the same frame as
the plain read, accents and all."""

from __future__ import annotations

import pytest

from kipu.core.frame import activity_frame as frame_of
from kipu.web.platforms.models import Organisation
from kipu.web.submissions.queries import activity_frame
from kipu.web.submissions.services import store_submission

NAMES = ["Orientación legal", "Ñandú", "niños y niñas", "plain"]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def accented(make_platform, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """A platform with rows of accented text, read with PGCLIENTENCODING=LATIN1 set."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the ADBC driver reads PostgreSQL")
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    platform = make_platform()
    records = [
        {
            "row": n + 1,
            "country": "PER",
            "admin1": "PE15",
            "appealing_org": "ORG901",
            "implementation": True,
            "month": "2019-03",
            "sector": "PRO",
            "indicator": "PRO-01",
            "activity_name": name,
            "activity_description": f"descripción {name}",
            "rmrp_activity": True,
            "cva": False,
            "delivery_mechanism": "Depósito",
            "new_beneficiaries": n,
            "total_monthly": n,
        }
        for n, name in enumerate(NAMES)
    ]
    organisation = Organisation.objects.get(external_id="ORG901")
    store_submission(platform, organisation, "2019-03", frame_of(records))
    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    return platform


def test_arrow_text_is_utf8_under_a_latin1_client_encoding(accented, arrow_reads) -> None:  # noqa: ANN001
    plain = activity_frame(accented, fast=False)
    fast = activity_frame(accented)
    assert arrow_reads == [True]  # ADBC gave the rows itself
    assert sorted(fast["activity_name"].to_list()) == sorted(NAMES)
    assert fast.equals(plain)
    assert fast["delivery_mechanism"].to_list() == ["Depósito"] * len(NAMES)


def test_text_that_is_not_utf8_falls_back_to_copy(accented, monkeypatch, arrow_reads) -> None:  # noqa: ANN001
    """Should the driver still hand over other bytes (a connection string without the
    encoding), the check of the text columns fails the ADBC read, and COPY reads the rows."""
    import psycopg.conninfo

    make_conninfo = psycopg.conninfo.make_conninfo

    def without_encoding(conninfo: str = "", **kwargs: object) -> str:
        kwargs.pop("client_encoding", None)
        return make_conninfo(conninfo, **kwargs)

    monkeypatch.setattr(psycopg.conninfo, "make_conninfo", without_encoding)
    fast = activity_frame(accented)
    assert arrow_reads == [False]
    assert fast.equals(activity_frame(accented, fast=False))
    assert sorted(fast["activity_name"].to_list()) == sorted(NAMES)
