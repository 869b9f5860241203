"""The figure engine: people reached without double counting, partners, coverage, progress.

Pure Python on polars (never Django). Usage::

    figures = compute_figures(frame, reference, FigureOptions(model="max-cell"))
    figures.reached(), figures.partner_count("union"), figures.coverage_count(1)
"""

from kipu.core.figures.engine import FigureOptions, compute_figures
from kipu.core.figures.models import MODELS
from kipu.core.figures.output import CHECKS, INTERSECTOR, REPORT_LABELS, Figures

__all__ = [
    "CHECKS",
    "INTERSECTOR",
    "MODELS",
    "REPORT_LABELS",
    "FigureOptions",
    "Figures",
    "compute_figures",
]
