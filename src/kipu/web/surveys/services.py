"""Writes: survey definitions, rounds of answers, the disclosure threshold. Every change is
audited. A round is stored like a 5W submission: atomically, replacing the current version
of its month and keeping it; an export with errors is kept as rejected and stores nothing;
the export the month's current version was made from, again, is "unchanged" and stores
nothing (as 5W imports do)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from kipu.core.surveys.form import FormError, SurveyForm, load_form
from kipu.core.surveys.indicators import IndicatorSpec, load_indicators
from kipu.core.surveys.revision import unread_answers
from kipu.core.surveys.validate import SurveyData, validate_file
from kipu.web.audit.services import record
from kipu.web.platforms.models import Platform
from kipu.web.surveys.models import Answer, DisclosureSetting, Survey, SurveyRound

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
K_MAX = 32_767  # DisclosureSetting.k is a PositiveSmallIntegerField
BATCH = 2_000


@dataclass
class RoundResult:
    round: SurveyRound  # the new version, or the current one when unchanged
    data: SurveyData
    unchanged: bool = False  # the same export as the current version: nothing stored

    @property
    def stored(self) -> bool:
        return not self.unchanged and self.round.status == SurveyRound.Status.CURRENT


@transaction.atomic
def define_survey(
    platform: Platform,
    form_path: Path,
    indicators: Path | str,
    *,
    actor: Any = None,
    synthetic: bool | None = None,
) -> Survey:
    """Create or update the survey an indicators file names, from its XLSForm. Raises
    `FormError` or `IndicatorError` (their messages say what to fix).

    What the indicators file leaves out is kept from the survey being updated: its Spanish
    title (no `title_es`; a new survey takes the English one) and its synthetic flag (no
    `synthetic`; a new survey is not synthetic). `synthetic` given here wins over both."""
    form = load_form(form_path)
    spec = load_indicators(indicators, form)
    survey = Survey.objects.filter(platform=platform, slug=spec.slug).first()
    if survey is not None:
        _reads_stored_answers(survey, form)
    before = None if survey is None else {"form": survey.form, "indicators": survey.indicators}
    values = {
        "title_en": spec.title_en,
        "title_es": spec.title_es or (survey.title_es if survey else spec.title_en),
        "form": form.to_dict(),
        "indicators": spec.to_dict(),
        "form_file": form_path.name,
        "synthetic": _first(synthetic, spec.synthetic, survey.synthetic if survey else False),
    }
    if survey is None:
        survey = Survey.objects.create(platform=platform, slug=spec.slug, **values)
    else:
        for name, value in values.items():
            setattr(survey, name, value)
        survey.save()
    after = {"form_file": form_path.name, "indicators": spec.to_dict()}
    record(actor, "define_survey" if before is None else "update_survey", survey, before, after)
    return survey


def _reads_stored_answers(survey: Survey, form: SurveyForm) -> None:
    """Raise FormError when `form` cannot read answers the survey's current rounds hold as
    its form read them (`kipu.core.surveys.revision`): the figures of rounds already
    published would change without a word."""
    stored = Answer.objects.filter(
        round__survey=survey, round__status=SurveyRound.Status.CURRENT
    ).values_list("round__month", "values", "repeats")

    def interviews() -> Iterator[tuple[str, dict[str, Any]]]:
        for month, values, repeats in stored.iterator(chunk_size=BATCH):
            yield month, values
            for items in (repeats or {}).values():
                yield from ((month, item) for item in items)

    unread = unread_answers(survey_form(survey), form, interviews())
    if unread:
        listed = "; ".join(u.text() for u in unread[:5])
        more = f"; and {len(unread) - 5} more" if len(unread) > 5 else ""
        raise FormError(
            f"This form cannot replace the form of survey {survey.slug!r}: the rounds stored "
            f"hold answers it has no place for: {listed}{more}. Nothing was changed. Keep "
            "these questions and choices under their names (labels may change; add new ones "
            "beside them), as the form the rounds were checked against does."
        )


def _first(*values: bool | None) -> bool:
    return next((v for v in values if v is not None), False)


def survey_form(survey: Survey) -> SurveyForm:
    return SurveyForm.from_dict(survey.form)


def survey_spec(survey: Survey) -> IndicatorSpec:
    return IndicatorSpec.from_dict(survey.indicators)


def import_round(
    survey: Survey,
    month: str,
    path: Path,
    *,
    actor: Any = None,
    lang: str = "en",
    file_name: str | None = None,
    repeat_files: dict[str, Path | str] | None = None,
) -> RoundResult:
    """Validate an export against the survey's form and store it as the month's round;
    `unchanged` when the month's current version holds the same files (export and repeat
    files, byte for byte) checked against the same form. Raises ValueError for a month that
    is not YYYY-MM."""
    if not MONTH.fullmatch(month):
        raise ValueError(f"month must be YYYY-MM, not {month!r}")
    spec = survey_spec(survey)
    data = validate_file(
        path, survey_form(survey), lang=lang, weight=spec.weight, repeat_files=repeat_files
    )
    checksum = _checksum(path, repeat_files or {})
    if data.report.valid:
        same = _unchanged(survey, month, checksum)
        if same is not None:
            return RoundResult(same, data, unchanged=True)
    stored = _store(survey, month, data, file_name or path.name, checksum, actor)
    return RoundResult(stored, data)


def _checksum(path: Path, repeat_files: dict[str, Path | str]) -> str:
    """SHA-256 of the export, and of each repeat file with the repeat it was given for."""
    digest = hashlib.sha256(path.read_bytes())
    for name in sorted(repeat_files):
        digest.update(f"\x00{name}\x00".encode())
        digest.update(Path(repeat_files[name]).read_bytes())
    return digest.hexdigest()


def _unchanged(survey: Survey, month: str, checksum: str) -> SurveyRound | None:
    """The month's current version when it was made from these files with the survey's
    present form (a form loaded since may read them differently)."""
    current = SurveyRound.objects.filter(
        survey=survey, month=month, status=SurveyRound.Status.CURRENT, checksum=checksum
    ).first()
    if current is None or current.uploaded_at < survey.updated_at:
        return None
    return current


@transaction.atomic
def _store(
    survey: Survey, month: str, data: SurveyData, name: str, checksum: str, actor: Any
) -> SurveyRound:
    Survey.objects.select_for_update().filter(pk=survey.pk).first()  # one import at a time
    rounds = SurveyRound.objects.filter(survey=survey, month=month)
    version = (rounds.aggregate(top=Max("version"))["top"] or 0) + 1
    user = actor if getattr(actor, "is_authenticated", False) else None
    fields = {
        "survey": survey,
        "month": month,
        "version": version,
        "file_name": name[:255],
        "checksum": checksum,
        "report": data.report.to_dict(),
        "uploaded_by": user,
    }
    if not data.report.valid:
        rejected = SurveyRound.objects.create(status=SurveyRound.Status.REJECTED, **fields)
        record(actor, "reject_survey_round", rejected, after={"month": month, "file": name},
               platform=survey.platform)  # fmt: skip
        return rejected
    previous = rounds.filter(status=SurveyRound.Status.CURRENT).first()
    if previous is not None:
        previous.status = SurveyRound.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    current = SurveyRound.objects.create(
        status=SurveyRound.Status.CURRENT,
        replaces=previous,
        interviews=data.interviews.height,
        **fields,
    )
    Answer.objects.bulk_create(_answers(current, data), batch_size=BATCH)
    record(
        actor,
        "import_survey_round",
        current,
        before={"version": previous.version} if previous else None,
        after={"month": month, "version": version, "interviews": current.interviews},
        platform=survey.platform,
    )
    return current


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _answers(current: SurveyRound, data: SurveyData) -> list[Answer]:
    questions = [q.path for q in data.form.answered(None)]
    nested: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path, frame in data.repeats.items():
        inner = [q.path for q in data.form.answered(path)]
        for record_ in frame.select("_parent", *inner).iter_rows(named=True):
            parent = record_.pop("_parent")
            nested.setdefault(parent, {}).setdefault(path, []).append(
                {k: _plain(v) for k, v in record_.items()}
            )
    found = []
    columns = ["_row", "_id", "_index", *questions]
    for row in data.interviews.select(columns).iter_rows(named=True):
        values = {path: _plain(row[path]) for path in questions}
        found.append(
            Answer(
                round=current,
                row=row["_row"],
                key=str(row["_id"])[:100],
                values=values,
                repeats=nested.get(row["_index"], {}),
            )
        )
    return found


def set_disclosure_k(platform: Platform, k: int, *, actor: Any = None) -> DisclosureSetting:
    """Set the platform's threshold (1 to 32,767, the store's small integer; the default is
    5). Raises ValueError outside: PostgreSQL refused 100,000 with a database error."""
    if not 1 <= k <= K_MAX:
        raise ValueError(f"the threshold must be between 1 and {K_MAX:,}, not {k}")
    setting, _ = DisclosureSetting.objects.get_or_create(platform=platform)
    before = {"k": setting.k}
    setting.k = k
    setting.save()
    record(actor, "set_disclosure_threshold", setting, before, {"k": k}, platform=platform)
    return setting


def load_demo_survey(platform: Platform, folder: Path) -> Survey:
    """The synthetic flow-monitoring survey, with a round for every month of the demo year."""
    from kipu.core.surveys import demo

    files = demo.write_demo_files(folder)
    survey = define_survey(
        platform, files["form"], files["indicators"], actor="system:demo", synthetic=True
    )
    for month in (f"{demo.YEAR}-{m:02d}" for m in range(1, 13)):
        result = import_round(survey, month, files[month], actor="system:demo")
        if not result.stored:
            raise RuntimeError(f"the demonstration survey does not validate: {month}")
    return survey
