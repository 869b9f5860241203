"""The public visitor's journey through the dashboard (issue 14, points 2, 13-16), in a real
Chromium, in English and Spanish and on a 390 px phone: the cards agree with the tables under
filters, the official key figures carry their source and date, downloads are named after
their filters and say them, the open-data page, /api/v1/docs and the favicon answer, and no
page is wider than the phone."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 390, "height": 844}


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def cards(page) -> dict[str, str]:  # noqa: ANN001
    found = {}
    for card in page.locator("#panel .card").all():
        found[card.get_attribute("data-name")] = card.locator(".value").inner_text()
    return found


def totals(page, table: str) -> tuple[int, int]:  # noqa: ANN001
    cells = page.locator(f"#panel table.{table} tr.total td").all_inner_texts()
    return number(cells[0]), number(cells[1])


def wait_for_panel(page, **params: str) -> None:  # noqa: ANN001
    condition = " && ".join(f"q.get('{k}') === '{v}'" for k, v in params.items())
    page.wait_for_function(
        f"() => {{ const q = new URL(location.href).searchParams; return {condition}; }}"
    )
    page.wait_for_function("() => !document.getElementById('panel').hasAttribute('aria-busy')")


def no_overflow(page) -> None:  # noqa: ANN001
    """Every lazy chart loaded, then the page is no wider than the screen."""
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()  # lazy charts load when near the screen
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "() => [...document.images]"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == [], broken
    width, view = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= view, f"{page.url}: {width} px wide on a {view} px screen"


def check_cards_equal_tables(page) -> None:  # noqa: ANN001
    shown = cards(page)
    reached, partners = number(shown["people_reached"]), number(shown["partners"])
    assert totals(page, "sectors") == (reached, partners)
    assert totals(page, "admin1") == (reached, partners)
    departments = page.locator("#panel table.admin1 tbody tr td:nth-child(2)").all_inner_texts()
    assert sum(number(v) for v in departments) == reached


def download(page, link) -> tuple[str, bytes]:  # noqa: ANN001
    with page.expect_download() as waiting:
        link.click()
    saved = waiting.value
    target = ARTIFACTS / "downloads" / saved.suggested_filename
    target.parent.mkdir(parents=True, exist_ok=True)
    saved.save_as(target)
    return saved.suggested_filename, Path(target).read_bytes()


def test_the_public_journey_in_english(page, demo, screenshot) -> None:  # noqa: ANN001
    page.goto("/")
    page.get_by_text("Synthetic demonstration data.").first.wait_for()
    # The official key figures, with their source and date, as in the report.
    first = page.locator(".kf").first
    assert first.locator(".kf-value").inner_text() == "Above 862,000"
    assert first.locator(".kf-label").inner_text() == "Venezuelans living in Peru"
    assert first.locator(".kf-source").inner_text() == "Source: Migraciones, 30 November 2019."
    assert page.locator(".kf").count() == 4
    check_cards_equal_tables(page)
    period = page.locator("#panel .period")
    assert (period.get_attribute("data-from"), period.get_attribute("data-to")) == (
        "2019-01",
        "2019-11",
    )
    screenshot("dashboard")
    # One sector: the card is the sector's row, and the tables' totals.
    page.select_option("select[name=sector]", "AREA2")
    wait_for_panel(page, sector="AREA2")
    check_cards_equal_tables(page)
    row = page.locator("#panel table.sectors tr[data-code=AREA2] td").all_inner_texts()
    assert (number(row[1]), number(row[2])) == totals(page, "sectors")
    # A period: the label is the period asked for.
    page.fill("input[name=from]", "2019-07")
    page.dispatch_event("input[name=from]", "change")
    wait_for_panel(page, sector="AREA2", **{"from": "2019-07"})
    assert period.get_attribute("data-from") == "2019-07"
    assert "July 2019 – November 2019" in period.inner_text()
    check_cards_equal_tables(page)
    # Targets, population types and age/sex, the map with names and values.
    assert page.locator("#panel table.targets tr[data-code=AREA2]").count() == 1
    assert page.locator("#panel table.breakdown-population").count() == 1
    tumbes = page.locator("#panel .department-map text[data-pcode=PE24]")
    assert tumbes.locator(".map-name").text_content() == "Tumbes"
    table_tumbes = page.locator("#panel table.admin1 tr[data-code=PE24] td").all_inner_texts()
    assert number(tumbes.locator(".map-value").text_content() or "") == number(table_tumbes[1])
    screenshot("dashboard-protection-from-july")
    # Downloads: named after their filters and period, saying them in their first lines.
    expected = "kipu-gtrm-peru-reached-by-sector-2019-07-to-2019-11-protection"
    name, body = download(page, page.locator("#panel a[href*='table/sectors.csv']"))
    assert name == f"{expected}.csv"
    head = [r[0] for r in csv.reader(io.StringIO(body.decode())) if r][:6]
    assert head[0] == "People reached by sector or area – GTRM Peru (synthetic demonstration)"
    assert head[1] == "Period: July 2019 – November 2019 (2019-07 – 2019-11)"
    assert head[2] == "Filters: Sector or area: Protection"
    assert head[3].startswith("Source: GTRM Peru (synthetic demonstration) 5W reports")
    assert head[4].startswith("Synthetic demonstration data")
    name, body = download(page, page.locator("#panel a[href*='table/admin1.xlsx']"))
    assert name == "kipu-gtrm-peru-reached-by-department-2019-07-to-2019-11-protection.xlsx"
    assert body.startswith(b"PK")
    name, body = download(page, page.locator("#panel a[href*='chart/reached-by-sector.svg']"))
    assert name == f"{expected}.svg"
    desc = body.decode().split("<desc>")[1].split("</desc>")[0]
    assert "Protection" in desc and "July 2019" in desc and "Synthetic demonstration" in desc
    name, body = download(page, page.locator("#panel a[href*='chart/presence-map.png']"))
    assert name == "kipu-gtrm-peru-presence-map-2019-07-to-2019-11-protection.png"
    assert body.startswith(b"\x89PNG") and b"Synthetic demonstration" in body
    # The open-data page, linked from the dashboard; the API docs without their slash.
    page.locator("a.open-data-link").click()
    page.get_by_role("heading", name="Open data: GTRM Peru (synthetic demonstration)").wait_for()
    assert page.locator("tr[data-month='2019-11'] a", has_text="figures.csv").count() == 1
    screenshot("open-data")
    page.goto("/api/v1/docs")
    assert page.url.endswith("/api/v1/docs/")
    page.get_by_role("heading", name="Endpoints").wait_for()
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200 and favicon.headers["content-type"] == "image/vnd.microsoft.icon"


def test_one_organisation_is_one_organisation_reporting(page, demo) -> None:  # noqa: ANN001
    page.goto("/dashboard/gtrm-peru/?from=2019-07")
    organisation = page.locator("select[name=org] option", has_text="OIM").get_attribute("value")
    page.select_option("select[name=org]", organisation)
    wait_for_panel(page, org=organisation)
    assert number(cards(page)["partners"]) == 1
    check_cards_equal_tables(page)
    assert page.locator("#panel .period").get_attribute("data-from") == "2019-07"


def test_the_public_journey_in_spanish(page, demo, screenshot) -> None:  # noqa: ANN001
    page.goto("/")
    page.select_option("select[name=language]", "es")
    page.get_by_role("link", name="Iniciar sesión").wait_for()
    first = page.locator(".kf").first
    assert first.locator(".kf-value").inner_text() == "Más de 862\u00a0000"
    assert first.locator(".kf-source").inner_text() == (
        "Fuente: Migraciones, 30 de noviembre de 2019."
    )
    sectors = page.locator("select[name=sector] option").all_inner_texts()[1:]
    assert sectors == [
        "Asistencia directa de emergencia",
        "Integración socioeconómica y cultural",
        "Protección",
    ]
    departments = page.locator("select[name=admin1] option").all_inner_texts()
    assert departments[1:5] == ["Nivel nacional", "Amazonas", "Áncash", "Apurímac"]
    page.select_option("select[name=sector]", "AREA2")
    wait_for_panel(page, sector="AREA2")
    check_cards_equal_tables(page)
    assert "enero de 2019 – noviembre de 2019" in page.locator("#panel .period").inner_text()
    assert page.get_by_role("heading", name="Alcanzadas frente a las metas").count() == 1
    screenshot("dashboard-es-proteccion")
    name, body = download(page, page.locator("#panel a[href*='table/breakdown.csv']"))
    assert name == "kipu-gtrm-peru-reached-by-group-2019-01-to-2019-11-proteccion.csv"
    text = body.decode()
    assert "Filtros: Sector o área: Protección" in text and "Datos sintéticos" in text
    assert "Niñas (menores de 18)" in text
    page.goto("/api/v1/docs")
    page.get_by_text("Lo que ofrece la API, con enlaces").wait_for()
    screenshot("api-docs-es")
    page.goto("/open-data/gtrm-peru/")
    page.get_by_role(
        "heading", name="Datos abiertos: GTRM Peru (synthetic demonstration)"
    ).wait_for()
    assert page.locator("tr[data-month='2019-11'] time").inner_text() == "noviembre de 2019"


@pytest.fixture
def phone(browser, live_server, csp_violations) -> Iterator[object]:  # noqa: ANN001
    """A 390 px wide phone screen (a small Android), touch, in English."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert csp_violations == []


def test_nothing_is_wider_than_a_390_px_phone(phone, demo) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for url in (
        "/",
        "/dashboard/gtrm-peru/?sector=AREA2&admin1=PE24",
        "/open-data/gtrm-peru/",
        "/api/v1/docs/",
    ):
        phone.goto(url)
        no_overflow(phone)
        slug = re.sub(r"[^a-z0-9]+", "-", url).strip("-") or "home"
        phone.screenshot(path=str(ARTIFACTS / f"phone-390-{slug}.png"), full_page=True)
    phone.goto("/")
    chart = phone.locator("#panel figure img").first
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    department_map = phone.locator("#panel .department-map svg").bounding_box()
    assert department_map and department_map["width"] <= PHONE["width"]
    check_cards_equal_tables(phone)
