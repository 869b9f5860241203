"""Checks shared by the chart and map tests: is the output a self-contained, valid image?"""

import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass
class ParsedSvg:
    root: ET.Element
    title: str
    desc: str
    texts: str  # every text drawn: matplotlib writes each one as a comment before its glyphs


def parse_svg(svg: str) -> ParsedSvg:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(svg.encode("utf-8"), parser=parser)
    assert root.tag == f"{SVG_NS}svg"
    comments = [el.text or "" for el in root.iter() if el.tag is ET.Comment]
    title = root.find(f"{SVG_NS}title")
    desc = root.find(f"{SVG_NS}desc")
    return ParsedSvg(
        root=root,
        title=title.text if title is not None else "",
        desc=desc.text if desc is not None else "",
        texts=" ".join(re.sub(r"[ \t\n]+", " ", c).strip() for c in comments),
    )


def assert_self_contained(svg: str) -> None:
    """No URL but the namespace declarations; no external images, fonts or style sheets."""
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert "http" not in without_ns
    assert "@import" not in svg and "@font-face" not in svg
    assert "<image" not in svg
    hrefs = re.findall(r'href="([^"]*)"', svg)
    assert all(h.startswith("#") for h in hrefs)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(scope="session")
def check() -> SimpleNamespace:
    return SimpleNamespace(parse=parse_svg, self_contained=assert_self_contained, png_size=png_size)
