"""Development settings: kipu.web.settings in development mode (KIPU_DEBUG=1) unless the
environment says otherwise. The test suite uses them (pyproject.toml), as do type checks; a
development server sets KIPU_DEBUG=1 itself (`kipu serve`, `make demo`)."""

import os

os.environ.setdefault("KIPU_DEBUG", "1")

from kipu.web.settings import *  # noqa: E402, F403
