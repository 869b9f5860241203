"""Time 5W validation on realistic generated files: `.venv/bin/python -m bench.bench_validation`.

Writes a 100,000-row XLSX (xlsxwriter, constant_memory) and 10k/1M-row CSVs into bench/data/
(git-ignored), then times `validate_file` on each, and reading the XLSX with openpyxl
(read_only) and pandas.read_excel for comparison. Pass --quick to skip the 1M-row CSV and the
slow comparisons.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.limits import Limits
from kipu.core.reference import Indicator, Organisation, Plan, ReferenceData, Sector
from kipu.core.schema import COLUMNS
from kipu.core.validation import validate_file

DATA = Path(__file__).parent / "data"
BIG = Limits(max_bytes=1024 * 1024 * 1024)
TODAY = date(2025, 4, 15)
DEPARTMENTS = [
    ("PE15", "Lima"),
    ("PE07", "Callao"),
    ("PE24", "Tumbes"),
    ("PE13", "La Libertad"),
    ("PE20", "Piura"),
    ("PE04", "Arequipa"),
    ("PE08", "Cusco"),
    ("PE23", "Tacna"),
]
SECTORS = [
    ("HEA", "Health"),
    ("EDU", "Education"),
    ("PRO", "Protection"),
    ("SHE", "Shelter"),
    ("FOO", "Food Security"),
    ("WSH", "WASH"),
    ("INT", "Integration"),
    ("MPC", "Multipurpose Cash Assistance (MPC)"),
]


def reference() -> ReferenceData:
    places = [
        Location("PE", 0, "PER", "Peru", "PER", iso="PE"),
        Location("PE00", 1, "00", "Country level", "PER", "PE", national=True),
    ]
    for pcode, name in DEPARTMENTS:
        places.append(Location(pcode, 1, pcode[2:], name, "PER", "PE"))
        places += [
            Location(f"{pcode}{i:02d}", 2, f"{pcode[2:]}{i:02d}", f"{name} {i}", "PER", pcode)
            for i in range(1, 9)
        ]
    indicators = [
        Indicator(
            f"{code}{i:02d}", f"{name} indicator {i}", code, ("PiN", "People", "Other")[i % 3]
        )
        for code, name in SECTORS
        for i in range(1, 7)
    ]
    orgs = [Organisation(f"ORG{i:03d}", f"Organisation number {i}", f"O{i}") for i in range(60)]
    plan = Plan("RMRP", 2025, sectors=[Sector(c, n) for c, n in SECTORS], indicators=indicators)
    return ReferenceData("peru", ["PER"], orgs, plan, Gazetteer(places))


def rows(count: int, seed: int = 5) -> Iterator[list[Any]]:
    """Rows as partners write them: mostly valid, about 1% with a typo or a bad breakdown."""
    rnd = random.Random(seed)
    indicators = reference().plan.indicators
    for _ in range(count):
        code, sector = rnd.choice(SECTORS[:-1])
        ind = rnd.choice([i for i in indicators if i.sector_code == code])
        _, dept = rnd.choice(DEPARTMENTS)
        people = ind.type != "Other"
        new = rnd.randint(1, 400) if people else 0
        parts = [new // 2, new - new // 2, 0, 0, 0]
        ages = [new // 4, new // 4, new // 4, new - 3 * (new // 4), 0, 0]
        noise = rnd.random()
        if noise < 0.005:
            dept = dept[:-1] + "x"
        elif noise < 0.01:
            ages[0] += 1
        total = new + rnd.randint(0, 20) if people else 0
        yield [
            "Peru",
            dept,
            f"{dept} {rnd.randint(1, 8)}",
            f"O{rnd.randint(0, 59)}",
            "No",
            "",
            f"2025-{rnd.randint(1, 3):02d}",
            sector,
            ind.name,
            f"Activity {rnd.randint(1, 999)}",
            "Description",
            "Yes",
            "No",
            "",
            "No",
            "",
            "",
            rnd.randint(1, 50),
            total,
            new if people else "",
            *(parts if people else [""] * 5),
            *(ages if people else [""] * 6),
        ]


def write_xlsx(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("5W")
    sheet.write_row(0, 0, [c.label_en for c in COLUMNS])
    for index, row in enumerate(rows(count), start=1):
        sheet.write_row(index, 0, row)
    book.close()


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label_en for c in COLUMNS])
        writer.writerows(rows(count))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def ensure(path: Path, writer: Callable[[Path, int], None], count: int) -> Path:
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        writer(path, count)
    return path


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    ref = reference()
    table: list[tuple[str, str, float, str]] = []
    xlsx = ensure(DATA / "fivew-100k.xlsx", write_xlsx, 100_000)
    # The floor: reading the sheet into Python rows with python-calamine, nothing else.
    table.append(("calamine to_python", xlsx.name, *_calamine(xlsx)))
    seconds, result = timed(lambda: validate_file(xlsx, ref, today=TODAY))
    table.append(("validate_file", xlsx.name, seconds, _outcome(result)))
    for name, count in (("fivew-10k.csv", 10_000), ("fivew-1m.csv", 1_000_000)):
        if quick and count > 100_000:
            continue
        path = ensure(DATA / name, write_csv, count)
        # A million CSV rows weigh ~150 MB, beyond the 100 MB upload limit: raised here.
        seconds, result = timed(lambda p=path: validate_file(p, ref, today=TODAY, limits=BIG))
        table.append(("validate_file", name, seconds, _outcome(result)))
    if not quick:
        table.append(("openpyxl read_only", xlsx.name, *_openpyxl(xlsx)))
        table.append(("pandas.read_excel", xlsx.name, *_pandas(xlsx)))
    print(f"{'what':<20} {'file':<18} {'seconds':>8}  result")
    for what, name, secs, outcome in table:
        print(f"{what:<20} {name:<18} {secs:>8.2f}  {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB; load average {Path('/proc/loadavg').read_text().strip()}")


def _outcome(result: Any) -> str:
    summary = result.report.summary
    return f"{summary['rows_read']:,} rows, {len(result.report.issues):,} issues"


def _calamine(path: Path) -> tuple[float, str]:
    from python_calamine import CalamineWorkbook

    def read() -> int:
        book = CalamineWorkbook.from_path(str(path))
        return len(book.get_sheet_by_index(0).to_python(skip_empty_area=False))

    seconds, count = timed(read)
    return seconds, f"{count:,} rows read"


def _openpyxl(path: Path) -> tuple[float, str]:
    import openpyxl

    def read() -> int:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return sum(1 for _ in book.active.iter_rows(values_only=True))

    seconds, count = timed(read)
    return seconds, f"{count:,} rows read"


def _pandas(path: Path) -> tuple[float, str]:
    try:
        import pandas
    except ImportError:
        return 0.0, "pandas not installed"
    seconds, frame = timed(lambda: pandas.read_excel(path, engine="openpyxl"))
    return seconds, f"{len(frame):,} rows read"


if __name__ == "__main__":
    main(sys.argv[1:])
