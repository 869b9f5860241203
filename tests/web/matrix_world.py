"""The objects the permission matrix (tests/web/test_permission_matrix.py) asks about, on both
sides: the test platform's two organisations, another platform, their background jobs, survey
rounds and API tokens, by the names the matrix's URL templates use.

Nothing on the test platform is published. Three markers name what some must never read:
`SECRET_B` is in partner B's unpublished rows, file and job (the IM team only); `SECRET_ROUND`
in a survey round's raw answers and file (the IM team only); `SECRET_ELSEWHERE` in the other
platform's unpublished rows and job (no actor of the matrix)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from web_actors import make_user, record_5w, write_5w

from kipu.web.accounts.models import Role
from kipu.web.accounts.services import assign_role, invite_user
from kipu.web.api.auth import create_token
from kipu.web.api.models import ApiToken
from kipu.web.jobs.models import Job
from kipu.web.jobs.services import job_dir
from kipu.web.platforms.models import Event, Membership, Organisation, Platform
from kipu.web.portal.services import upload_submission
from kipu.web.stats.models import Observation, Series
from kipu.web.surveys.models import SurveyRound
from kipu.web.surveys.services import define_survey, import_round
from survey_files import form_file, indicators_file, interview, write_xlsx

SECRET_B = "zzsecretb"
SECRET_ROUND = "zzsecretround"
SECRET_ELSEWHERE = "zzsecretelsewhere"
PACKAGE = "package.zip"  # the file each job of the world made


class World:
    """Objects of both sides, by the names the URL templates use."""

    def __init__(
        self,
        platform: Platform,
        other_platform: Platform,
        people: dict[str, User],
        rows: Callable[..., Any],
        tmp: Path,
    ):
        self.tmp = tmp
        self._submissions(platform, other_platform, rows)
        self._reference(platform, other_platform)
        self._people(platform, other_platform, people)
        self.survey = self._survey(platform, people["admin"], "2019-05")
        self.round = self._round_of(platform)
        self.survey_month_elsewhere = "2020-05"
        self._survey(other_platform, self.outsider, self.survey_month_elsewhere)
        self.round_elsewhere = self._round_of(other_platform)

    def url(self, template: str) -> str:
        return template.format(**vars(self))

    def _submissions(
        self, platform: Platform, other_platform: Platform, rows: Callable[..., Any]
    ) -> None:
        org_a = Organisation.objects.get(external_id="ORG901")
        org_b = Organisation.objects.get(external_id="ORG902")
        self.org_a, self.org_b = org_a.pk, org_b.pk
        self.file_a = write_5w(platform, self.tmp / "a.xlsx", [record_5w()])
        self.file_b = write_5w(
            platform,
            self.tmp / f"{SECRET_B}.xlsx",
            [record_5w("ORG902", sector="WASH", indicator="WASH-01", activity_name=SECRET_B)],
        )
        self.sub_a = upload_submission(platform, org_a, "2019-05", self.file_a, None).submission.pk
        self.sub_b = upload_submission(platform, org_b, "2019-05", self.file_b, None).submission.pk
        elsewhere = Organisation.objects.create(name_en="Elsewhere", acronym="EW")
        Membership.objects.create(platform=other_platform, organisation=elsewhere)
        self.org_elsewhere = elsewhere.pk
        rows(other_platform, elsewhere, "PRO", "2020-05", 1, name=SECRET_ELSEWHERE)

    def _reference(self, platform: Platform, other_platform: Platform) -> None:
        for name, plat in (("", platform), ("_elsewhere", other_platform)):
            plan = plat.plans.get()
            sector = plan.sectors.get(code="PRO")
            target = sector.targets.create(plan=plan, people_in_need=1)
            series = Series.objects.create(platform=plat, key="stock")
            observation = Observation.objects.create(
                series=series, period_start="2019-01-01", period_end="2019-01-31", value=1
            )
            event = Event.objects.create(platform=plat, date="2019-05-01", title_en="Meeting")
            setattr(self, f"sector{name}", sector.pk)
            setattr(self, f"indicator{name}", plan.indicators.get(code="PRO-01").pk)
            setattr(self, f"target{name}", target.pk)
            setattr(self, f"observation{name}", observation.pk)
            setattr(self, f"event{name}", event.pk)
            invited = invite_user(plat, f"new{name}@example.org", "viewer", accept_url=str)
            setattr(self, f"invitation{name}", invited.pk)

    def _people(
        self, platform: Platform, other_platform: Platform, people: dict[str, User]
    ) -> None:
        """A viewer and an administrator of the other platform; API tokens; everyone's jobs."""
        partner_a, partner_b, admin = people["partner_a"], people["partner_b"], people["admin"]
        stranger = make_user("stranger")
        self.other_role = assign_role(stranger, other_platform, "viewer").pk
        self.other_user = stranger.pk
        self.outsider = make_user("admin.elsewhere")
        assign_role(self.outsider, other_platform, "admin")
        self.partner_b_user = partner_b.pk
        self.partner_b_role = Role.objects.get(user=partner_b, platform=platform).pk
        self.token_a, self.token_elsewhere = _token(partner_a), _token(stranger)
        self.job_a = _job(platform, partner_a, "import", "Stored 1 row")
        self.job_b = _job(platform, partner_b, "import", f"Stored {SECRET_B}")
        self.job_admin = _job(platform, admin, "report", "Rendered")
        self.job_elsewhere = _job(other_platform, self.outsider, "opendata", SECRET_ELSEWHERE)

    def _survey(self, platform: Platform, actor: User, month: str) -> str:
        """The demonstration survey on `platform` with one unpublished round of `month`."""
        folder = self.tmp / f"survey-{platform.slug}"
        folder.mkdir()
        survey = define_survey(platform, form_file(folder), indicators_file(folder), actor=actor)
        answers = [interview(i, _uuid=f"{SECRET_ROUND}-{i}") for i in range(1, 8)]
        path = write_xlsx(folder / f"{SECRET_ROUND}.xlsx", answers)
        assert import_round(survey, month, path, actor=actor).stored
        return survey.slug

    @staticmethod
    def _round_of(platform: Platform) -> int:
        return SurveyRound.objects.get(survey__platform=platform).pk


def _token(user: User) -> int:
    create_token(user, "matrix")
    return ApiToken.objects.filter(user=user).latest("pk").pk


def _job(platform: Platform, user: User, kind: str, message: str) -> str:
    """A finished job of `user` on `platform`, with a file to download."""
    job = Job.objects.create(
        kind=kind,
        platform=platform,
        started_by=user,
        actor_label=user.get_username(),
        state=Job.State.SUCCEEDED,
        progress=100,
        message=message,
    )
    folder = job_dir(job.pk)
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / PACKAGE, "w") as package:
        package.writestr("readme.txt", message)
    return str(job.pk)


def body_text(response: Any) -> str:
    """What a response shows, as text: its body, or the text inside a zip (xlsx, docx)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", "replace")
