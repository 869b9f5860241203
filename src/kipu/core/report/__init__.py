"""Building blocks of the monthly situation report: charts, maps and their style.

Pure Python with matplotlib and shapely; no Django. Import the submodules directly
(`kipu.core.report.charts`, `.maps`, `.style`) so that importing this package stays cheap.
"""
