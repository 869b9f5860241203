"""What the audit log shows for an action ("lock_month") and an object type
("submissions.monthstatus"): a label in the interface language. The stored codes never change
(filters and exports use them); an action without a label here is shown as its code, and
tests/web/console/test_audit_labels.py fails until every action `record` is called with has one."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    # months and reports
    "lock_month": _("Month approved and locked"),
    "publish_month": _("Month published"),
    "reopen_month": _("Month reopened"),
    "render_report": _("Report rendered"),
    "publish_report": _("Report published"),
    "withdraw_report": _("Report withdrawn"),
    "save_narrative": _("Report text saved"),
    # submissions
    "upload_submission": _("5W file uploaded"),
    "import_submission": _("5W file imported"),
    "submit_5w": _("5W submitted through the API"),
    "reject_submission": _("5W file rejected"),
    "remove_submission": _("Submission removed"),
    # reminders and schedule
    "send_reminder": _("Reminder sent"),
    "edit_schedule": _("Deadline and reminders changed"),
    # people and access
    "invite_user": _("Person invited"),
    "cancel_invitation": _("Invitation cancelled"),
    "accept_invitation": _("Invitation accepted"),
    "create_user": _("Account created"),
    "assign_role": _("Role given"),
    "revoke_role": _("Role removed"),
    "deactivate_user": _("Account deactivated"),
    "reactivate_user": _("Account reactivated"),
    "set_im_email": _("IM contact address changed"),
    "lock_login": _("Sign-in locked (too many attempts)"),
    "lock_login_address": _("Sign-in from an address locked"),
    "throttle_password_reset": _("Password resets throttled"),
    "create_api_token": _("API token created"),
    "revoke_api_token": _("API token revoked"),
    # reference data
    "add_platform": _("Platform added"),
    "add_organisation": _("Organisation added"),
    "edit_organisation": _("Organisation changed"),
    "import_organisations": _("Organisations imported"),
    "import_organisation": _("Organisation changed by an import"),
    "import_membership": _("Membership changed by an import"),
    "import_plan": _("Response plan imported"),
    "import_plan_entries": _("Plan entries changed by an import"),
    "import_locations": _("Places imported"),
    "import_statistics": _("Official statistics imported"),
    "import_series": _("Statistics changed by an import"),
    "import_events": _("Events imported"),
    "import_event": _("Event changed by an import"),
    # surveys
    "define_survey": _("Survey defined"),
    "update_survey": _("Survey changed"),
    "import_survey_round": _("Survey round imported"),
    "reject_survey_round": _("Survey round rejected"),
    "set_disclosure_threshold": _("Disclosure threshold set"),
    # background jobs
    "start_job": _("Job started"),
    "finish_job": _("Job finished"),
    "fail_job": _("Job failed"),
    "retry_job": _("Job retried"),
    "clean_jobs": _("Old jobs cleaned"),
}

OBJECT_TYPES: dict[str, Promise] = {
    "submissions.monthstatus": _("month"),
    "submissions.submission": _("submission"),
    "reports.reportversion": _("report version"),
    "reports.narrative": _("report text"),
    "platforms.platform": _("platform"),
    "platforms.organisation": _("organisation"),
    "platforms.membership": _("membership"),
    "platforms.event": _("event"),
    "accounts.role": _("role"),
    "accounts.invitation": _("invitation"),
    "auth.user": _("account"),
    "kipu_console.reportingschedule": _("reporting schedule"),
    "api.apitoken": _("API token"),
    "jobs.job": _("job"),
    "plans.plan": _("response plan"),
    "locations.location": _("place"),
    "stats.series": _("statistics series"),
    "surveys.survey": _("survey"),
    "surveys.surveyround": _("survey round"),
    "surveys.disclosuresetting": _("disclosure setting"),
}


def action_label(action: str) -> str:
    """The action's label in the active language; the code itself when it has none."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPES.get(object_type)
    return str(label) if label is not None else object_type
