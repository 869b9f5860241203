"""`-o -` is standard output wherever the output is text (CSV, JSON, text): `kipu export`
used to write a file named `-.csv`. Where it cannot be (XLSX workbooks, folders of files)
it is a usage error, before anything is written. `./-` is still a file named "-"."""

from __future__ import annotations

from pathlib import Path

import pytest

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.platforms.queries import reference_data

ROW = {
    "country": "PER",
    "admin1": "PE15",
    "appealing_org": "ORG901",
    "implementation": False,
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
    "activity_name": "Legal orientation",
    "rmrp_activity": True,
    "cva": False,
    "total_monthly": 100,
    "new_beneficiaries": 60,
    "in_destination": 60,
    "women": 60,
}


@pytest.fixture
def stored(kipu, make_platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: ANN001
    """A platform with one stored row in 2019-11; the working directory is an empty folder."""
    platform = make_platform()
    path = tmp_path / "5w.xlsx"
    write_xlsx(table_rows(activity_frame([ROW]), reference_data(platform, 2019)), path)
    assert kipu("import", str(path), "--org", "ORG901", "--month", "2019-11").exit_code == 0
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("table", ["activities", "figures"])
def test_export_csv_to_standard_output_is_the_file(kipu, stored: Path, table: str) -> None:  # noqa: ANN001
    to_file = kipu("export", "--month", "2019-11", "--table", table, "-o", "out.csv")
    assert to_file.exit_code == 0, to_file.output
    written = (stored / "out.csv").read_bytes()
    (stored / "out.csv").unlink()
    piped = kipu("export", "--month", "2019-11", "--table", table, "-o", "-")
    assert piped.exit_code == 0, piped.output
    assert piped.stdout_bytes == written and written.count(b"\r\n") >= 3  # header, HXL, rows
    said = "1 activities" if table == "activities" else "Figures"
    assert piped.stderr == f"{said} written to standard output.\n"
    assert list(stored.iterdir()) == []


@pytest.mark.parametrize("name", ["2019.11-data", "data.txt", "data"])
@pytest.mark.parametrize("output_format", ["csv", "xlsx"])
@pytest.mark.parametrize("table", ["activities", "figures"])
def test_export_writes_the_file_it_is_told(
    kipu,  # noqa: ANN001
    stored: Path,
    name: str,
    output_format: str,
    table: str,
) -> None:
    """Exactly that name, in the format asked for: the name used to get the format's suffix
    in place of its own ("2019.11-data" became "2019.csv"; /dev/full, "/dev/full.csv"), and
    the figures' format was taken from that suffix."""
    args = ("--month", "2019-11", "--format", output_format, "--table", table, "-o", name)
    done = kipu("export", *args)
    assert done.exit_code == 0, done.output
    assert [p.name for p in stored.iterdir()] == [name]
    said = "1 activities written" if table == "activities" else "Figures written"
    assert done.stdout == f"{said}: {name}\n"
    assert (stored / name).read_bytes().startswith(b"PK") == (output_format == "xlsx")


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["export", "--month", "2019-11", "-o", "nov.xlsx"], b"PK"),
        (["export", "--month", "2019-11", "-o", "nov.CSV"], b"Country Country,"),
        (["figures", "-o", "figures.csv"], b"Country,"),
        (["figures", "-o", "figures.json"], b"{"),
        (["figures", "-o", "figures.xlsx"], b"PK"),
        (["figures", "-o", "figures.txt"], b"People reached"),
        (["validate", "{5w}", "-o", "checked.json"], b"{"),
        (["validate", "{5w}", "-o", "checked.xlsx"], b"PK"),
    ],
)
def test_without_format_the_name_says_it(
    kipu,  # noqa: ANN001
    stored: Path,
    args: list[str],
    starts: bytes,
) -> None:
    """`-o nov.xlsx` alone used to write CSV into nov.xlsx (a workbook Excel cannot open)."""
    done = kipu(*[a.replace("{5w}", str(stored.parent / "5w.xlsx")) for a in args])
    assert done.exit_code == 0, done.output
    assert (stored / args[-1]).read_bytes().startswith(starts)


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (
            ["export", "--month", "2019-11", "--format", "csv", "-o", "nov.xlsx"],
            "--format xlsx, or",
        ),
        (["export", "--month", "2019-11", "--format", "xlsx", "-o", "nov.csv"], "--format csv, or"),
        (["figures", "--format", "json", "-o", "figures.csv"], "--format csv, or"),
        (["figures", "--format", "text", "-o", "figures.json"], "--format json, or"),
        (["validate", "{5w}", "--format", "json", "-o", "checked.xlsx"], "--format xlsx, or"),
        # formats the command does not write: no --format to advise
        (["survey", "figures", "--survey", "fm", "-o", "results.xlsx"], "give"),
        (["export", "--month", "2019-11", "-o", "nov.json"], "give"),
        (["template", "-o", "template.csv"], "give"),  # a workbook, whatever its name
    ],
)
def test_a_name_that_says_another_format_is_a_usage_error(
    kipu,  # noqa: ANN001
    stored: Path,
    args: list[str],
    advice: str,
) -> None:
    done = kipu(*[a.replace("{5w}", str(stored.parent / "5w.xlsx")) for a in args])
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.startswith(f"error: -o {args[-1]} names a")
    assert f"{advice} a name not ending in {Path(args[-1]).suffix}\n" in done.stderr
    assert list(stored.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["export", "--month", "2019-11", "--format", "xlsx", "-o", "-"], "an XLSX workbook"),
        (
            ["export", "--month", "2019-11", "--format", "datapackage", "-o", "-"],
            "a data package (a folder of files) cannot be written to standard output (-o -): "
            "give -o FOLDER",
        ),
        (["figures", "--format", "xlsx", "-o", "-"], "an XLSX workbook (--format xlsx)"),
        (["template", "-o", "-"], "the template (an XLSX workbook)"),
        (["sitrep", "--month", "2019-11", "--out", "-"], "give --out FOLDER"),
    ],
)
def test_binary_output_to_standard_output_is_a_usage_error(
    kipu, stored: Path, args: list[str], refused: str
) -> None:  # noqa: ANN001
    done = kipu(*args)
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.startswith("error: ") and refused in done.stderr
    assert "cannot be written to standard output" in done.stderr
    assert list(stored.iterdir()) == []


def test_validate_xlsx_to_standard_output_is_a_usage_error(kipu, stored: Path) -> None:  # noqa: ANN001
    source = stored.parent / "5w.xlsx"
    done = kipu("validate", str(source), "--format", "xlsx", "-o", "-")
    assert done.exit_code == 2 and "the annotated workbook (--format xlsx)" in done.stderr
    assert not list(stored.parent.glob("*-checked.xlsx"))
    as_text = kipu("validate", str(source), "--format", "json", "-o", "-")
    assert as_text.exit_code == 0 and '"valid": true' in as_text.stdout


def test_figures_dash_is_standard_output_and_dot_slash_dash_a_file(kipu, stored: Path) -> None:  # noqa: ANN001
    plain = kipu("figures", "--format", "json")
    dashed = kipu("figures", "--format", "json", "-o", "-")
    assert dashed.exit_code == 0 and dashed.stdout == plain.stdout != ""
    named = kipu("figures", "--format", "json", "-o", "./-")
    assert named.exit_code == 0 and named.stdout == ""
    assert (stored / "-").read_text(encoding="utf-8") == plain.stdout


def test_standard_output_gets_every_byte_from_a_raw_non_blocking_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under PYTHONUNBUFFERED=1 `sys.stdout.buffer` is the raw file: a write into a full
    non-blocking pipe takes part of the data, or none (None). `write_stdout` writes it all,
    as the reader takes it (a megabyte through a 64 KB pipe read slowly)."""
    import fcntl
    import io
    import os
    import threading
    import time
    import types

    from kipu.cli.base import write_stdout

    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    received = bytearray()

    def reader() -> None:
        while chunk := os.read(read_end, 50_000):
            received.extend(chunk)
            time.sleep(0.01)

    thread = threading.Thread(target=reader)
    thread.start()
    data = bytes(range(256)) * 4096  # 1 MiB, every byte value
    raw = io.FileIO(write_end, "wb", closefd=True)
    monkeypatch.setattr("sys.stdout", types.SimpleNamespace(buffer=raw))
    try:
        write_stdout(data)
    finally:
        raw.close()
        thread.join(timeout=30)
        os.close(read_end)
    assert bytes(received) == data
