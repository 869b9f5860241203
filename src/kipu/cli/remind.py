"""`kipu remind --due`: send the reminders the platforms' schedules name for today, for
installations that run it from cron instead of the task queue (the same service either way)."""

from __future__ import annotations

import datetime as dt

import click

from kipu.cli.base import FORMAT, PLATFORM, current_platform, emit, fail, setup_django


@click.command()
@click.option("--due", is_flag=True, help="Send the reminders due today (required).")
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Act as if today were this date (default: today in the server's time zone).",
)
@click.option(
    "--site-url",
    envvar="KIPU_SITE_URL",
    metavar="URL",
    help="The site's address, to link the partner portal in the e-mail (default: "
    "KIPU_SITE_URL; without it the e-mail has no link).",
)
@PLATFORM
@FORMAT
def remind(
    due: bool,
    today: str | None,
    site_url: str | None,
    platform_slug: str | None,
    output_format: str,
) -> None:
    """E-mail the focal points of organisations that have not submitted an open month, on the
    reminder days of each platform's schedule (set in the IM console). Each reminder day is
    sent once, however often this runs: run it daily from cron."""
    if not due:
        fail(["say --due: the command sends the reminders due today"], status=2)
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        fail([f"--today {today!r} is not a date YYYY-MM-DD"], status=2)
    setup_django()
    from kipu.web.console.services import send_due_reminders

    platform = current_platform(platform_slug) if platform_slug else None
    portal = f"{site_url.rstrip('/')}/portal/" if site_url else ""
    done = send_due_reminders(day, platform=platform, portal_url=portal)
    data = {
        "today": done.today.isoformat(),
        "sent": [
            {
                "platform": s.platform.slug,
                "month": s.month,
                "organisation": str(s.organisation),
                "due_date": s.due_date.isoformat() if s.due_date else None,
                "recipients": s.recipients,
            }
            for s in done.sent
        ],
        "already_sent": done.already_sent,
        "without_focal_point": [
            {"platform": p.slug, "month": m, "organisation": str(o)}
            for p, m, o in done.without_focal_point
        ],
        "failed": [
            {"platform": p.slug, "month": m, "organisation": str(o), "error": e}
            for p, m, o, e in done.failed
        ],
    }
    emit(data, output_format, _text)
    if done.failed:
        raise SystemExit(1)


def _text(data: dict) -> str:
    lines = [
        f"{s['platform']} {s['month']} {s['organisation']}: sent to "
        + ", ".join(f"{r['email']} ({r['lang']})" for r in s["recipients"])
        for s in data["sent"]
    ]
    lines += [
        f"{w['platform']} {w['month']} {w['organisation']}: not sent, no focal point"
        for w in data["without_focal_point"]
    ]
    lines += [
        f"{f['platform']} {f['month']} {f['organisation']}: failed: {f['error']}"
        for f in data["failed"]
    ]
    lines.append(
        f"{data['today']}: {len(data['sent'])} reminders sent, "
        f"{data['already_sent']} sent before, {len(data['without_focal_point'])} without a "
        f"focal point, {len(data['failed'])} failed."
    )
    return "\n".join(lines)


COMMANDS = (remind,)
