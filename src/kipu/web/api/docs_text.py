"""The API documentation's texts, marked for translation: the docs page (/api/v1/docs/)
reads in the visitor's language, while the OpenAPI document (/api/v1/openapi.json) stays in
English. Endpoint summaries and descriptions, parameter descriptions and error meanings are
written once, in kipu.web.api.schema and kipu.web.api.errors; makemessages collects a string
only from a literal gettext call, hence this list. tests/web/test_site.py checks that every
text the docs page shows is here (a new endpoint's texts must be added)."""

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop("What the API offers, with links"),
    gettext_noop("This OpenAPI document"),
    gettext_noop("Platforms"),
    gettext_noop("One platform, its published months"),
    gettext_noop("Platform slug."),
    gettext_noop("Member organisations of a platform"),
    gettext_noop("Platform slug (default: the first national platform)."),
    gettext_noop("The plan: sectors, indicators, targets"),
    gettext_noop("Plan year (default: the latest)."),
    gettext_noop("The gazetteer of a platform's countries"),
    gettext_noop("1 or 2"),
    gettext_noop("Official statistics: series and observations"),
    gettext_noop("5W activity rows the caller may read"),
    gettext_noop(
        "Your remit in any month (partners: your organisation; coordinators: your sectors; "
        "the IM team: all), plus every published month. csv/xlsx stream every matching "
        "row, ordered by id."
    ),
    gettext_noop("First month, YYYY-MM (inclusive)."),
    gettext_noop("Last month, YYYY-MM (inclusive)."),
    gettext_noop("Sector code."),
    gettext_noop("Country, ISO3 (a regional platform's one country)."),
    gettext_noop("Admin1 P-code."),
    gettext_noop("Organisation: registry id, acronym or name."),
    gettext_noop("Page number, from 1."),
    gettext_noop("Items per page."),
    gettext_noop(
        "json (paginated); csv or xlsx: every matching row as a 5W table with an HXL row."
    ),
    gettext_noop("Language of labels and messages."),
    gettext_noop("csv/xlsx: include the HXL hashtag row."),
    gettext_noop("Figures: people reached, partners, coverage, progress"),
    gettext_noop(
        "Anyone may ask for a period made only of published months (the default period for "
        "them is the published months). Unpublished months need the IM team's role: others "
        "get 403 `unpublished-months` naming them."
    ),
    gettext_noop("Intersector model (docs/figures.md)."),
    gettext_noop("Only RMRP activities."),
    gettext_noop("Count rows stored with accepted issues (IM team only)."),
    gettext_noop("json, or the figure rows as csv/xlsx with HXL."),
    gettext_noop("Submissions (uploads) the caller may see"),
    gettext_noop("Month, YYYY-MM."),
    gettext_noop("Submission status."),
    gettext_noop("One submission and its validation report"),
    gettext_noop("Submission id."),
    gettext_noop("Submit a 5W file or JSON rows for a month"),
    gettext_noop(
        "Validated and stored exactly as an upload through the portal. Partners submit for "
        "their organisation (the default), the IM team for any member, until the month is "
        "locked. Needs a token. A report with errors answers 422 `invalid-submission`. A "
        "file above the installation's job threshold (2 MiB by default) answers 202 at "
        "once with the job that stores it: follow `url` (/api/v1/jobs/{id}) until "
        "`finished`."
    ),
    gettext_noop("The month submitted."),
    gettext_noop("IM team: store rows with errors."),
    gettext_noop("A background job: state, progress, result links"),
    gettext_noop(
        "Jobs you started (the IM team: every job of its platform). `state` is queued, "
        "running, succeeded or failed; `progress` 0-100; `links` point to the result (the "
        "submission, the report files, the package); `error` says why a job failed."
    ),
    gettext_noop("Job id (a UUID)."),
    gettext_noop("Published situation reports"),
    gettext_noop("Report language."),
    gettext_noop("Data packages of published months"),
    gettext_noop("Frictionless data package of a published month"),
    gettext_noop("A published month, YYYY-MM."),
    gettext_noop("Activities of a published month (CSV, HXL)"),
    gettext_noop("Figures of a published month (CSV, HXL)"),
    gettext_noop("Surveys of a platform and their rounds"),
    gettext_noop("A survey's questions, choices, indicators"),
    gettext_noop("Survey slug."),
    gettext_noop("Language of labels."),
    # xgettext:no-python-format (a literal "%": the docs page shows it as written)
    gettext_noop("Counts and shares with 95% intervals, by question and disaggregation"),
    gettext_noop(
        "Anyone: the current rounds of published months, every cell under the platform's "
        "disclosure threshold (k respondents) withheld with its complements. The IM team: "
        "every round, before disclosure control."
    ),
    gettext_noop("Round (month), YYYY-MM; default: the latest you may read."),
    gettext_noop("Only this question (name or path)."),
    gettext_noop("Only this disaggregation (or all)."),
    gettext_noop("json, or csv with an HXL row."),
    gettext_noop("Raw answers of a round"),
    gettext_noop("The IM team only: raw answers are never public."),
    gettext_noop("The request cannot be understood (malformed body, missing file)."),
    gettext_noop("A query or path parameter is missing or invalid; details name them."),
    gettext_noop("No credentials, or the endpoint needs a signed-in caller."),
    gettext_noop("The bearer token is unknown, malformed or revoked."),
    gettext_noop("The caller's role does not allow this."),
    gettext_noop("Figures for months that are not published yet; details list them."),
    gettext_noop("No such resource, or not visible to the caller."),
    gettext_noop("The month is not published: no open data for it."),
    gettext_noop("The endpoint does not answer this HTTP method."),
    gettext_noop("The uploaded file is beyond the size limit."),
    gettext_noop("The request body is not a 5W file or JSON."),
    gettext_noop("The 5W rows have errors; details.report is the validation report."),
    gettext_noop("Too many requests; retry after the Retry-After header's seconds."),
    gettext_noop("An unexpected failure on the server (logged)."),
)
