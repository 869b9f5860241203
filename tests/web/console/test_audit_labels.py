"""Issue 14, point 13: the audit log names actions and objects in the interface language; every
action Kipu records has a label (a new one without fails here)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from web_actors import client_for

from kipu.web.audit.labels import ACTIONS, action_label
from kipu.web.reference.services import IMPORTERS
from kipu.web.submissions.months import lock_month, publish_month

SOURCE = Path(__file__).resolve().parents[3] / "src" / "kipu"
RECORDERS = {"record", "record_each", "_record", "_change", "_set_active"}
ACTION = re.compile(r"[a-z]+(_[a-z]+)+")  # verb_noun


def recorded_actions() -> set[str]:
    """Every action name written as a literal in a call that records an audit event, plus
    those built from a name (import_<kind>, finish_job / fail_job)."""
    found = {f"import_{kind}" for kind in IMPORTERS} | {"import_organisation"}
    found |= {"finish_job", "fail_job"}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RECORDERS:
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                # A name, or a choice of names ("define_x" if new else "update_x"); never
                # the keys of a before/after dictionary.
                if not isinstance(arg, ast.Constant | ast.IfExp):
                    continue
                for part in ast.walk(arg):
                    text = part.value if isinstance(part, ast.Constant) else None
                    if isinstance(text, str) and ACTION.fullmatch(text):
                        found.add(text)
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = recorded_actions()
    assert {"lock_month", "send_reminder", "withdraw_report"} <= actions  # the scan works
    assert sorted(actions - set(ACTIONS)) == []


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_label_is_translated(action: str) -> None:
    with translation.override("es"):
        spanish = action_label(action)
    with translation.override("en"):
        english = action_label(action)
    assert spanish != english and spanish != action


def test_unknown_actions_show_their_code() -> None:
    assert action_label("frobnicate_widget") == "frobnicate_widget"


@pytest.mark.django_db
def test_the_audit_log_in_spanish(platform, admin) -> None:  # noqa: ANN001
    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    client = client_for(admin)
    client.cookies["django_language"] = "es"
    page = client.get("/console/audit/?platform=gtrm-test").content.decode()
    assert ">Mes aprobado y bloqueado</td>" in page and ">Mes publicado</td>" in page
    assert '<option value="lock_month">Mes aprobado y bloqueado</option>' in page
    assert ">mes #" in page
    filtered = client.get("/console/audit/?platform=gtrm-test&action=publish_month")
    assert filtered.content.decode().count(">Mes publicado</td>") == 1
