"""A platform with the synthetic flow-monitoring survey: May 2019 published, June 2019 open,
and a small round (July, open) whose cells fall under the threshold."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from kipu.core.surveys import demo
from kipu.web.platforms.models import Platform
from kipu.web.submissions.months import lock_month, publish_month
from kipu.web.surveys.models import Survey
from kipu.web.surveys.services import define_survey, import_round
from survey_files import form_file, indicators_file, interview, write_xlsx

PUBLISHED, OPEN = "2019-05", "2019-06"


@pytest.fixture(autouse=True)
def survey_settings(settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    settings.KIPU_API_RATE = {"authenticated": "10000/min", "anonymous": "10000/min"}
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    cache.clear()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "form": form_file(tmp_path),
        "indicators": indicators_file(tmp_path),
        PUBLISHED: demo.write_export(tmp_path / "may.xlsx", 5),
        OPEN: demo.write_export(tmp_path / "june.xlsx", 6),
    }


@pytest.fixture
def survey(platform: Platform, files: dict[str, Path], admin) -> Survey:  # noqa: ANN001
    found = define_survey(platform, files["form"], files["indicators"], actor=admin)
    for month in (PUBLISHED, OPEN):
        assert import_round(found, month, files[month], actor=admin).stored
    lock_month(platform, PUBLISHED, admin)
    publish_month(platform, PUBLISHED, admin)
    return found


@pytest.fixture
def small_round(survey: Survey, tmp_path: Path, admin) -> Path:  # noqa: ANN001
    """Seven interviews in 2019-04, published: most cells are under k = 5."""
    rows = [interview(i, intention="return" if i == 3 else "go_chile") for i in range(1, 8)]
    path = write_xlsx(tmp_path / "april.xlsx", rows)
    assert import_round(survey, "2019-04", path, actor=admin).stored
    lock_month(survey.platform, "2019-04", admin)
    publish_month(survey.platform, "2019-04", admin)
    return path
