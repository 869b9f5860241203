"""Kipu: information management for refugee and migrant response platforms."""

import os

__version__ = "0.1.0"

# polars' allocator (jemalloc) keeps freed pages for 10 s by default, so every step of a
# reading or a validation adds its frames on top of the last one's: returned after 200 ms, a
# 100,000-row `kipu figures --input` peaks ~70 MB lower at no measurable cost (issue 15;
# immediately, 0 ms, costs a second of system time). It must be set before polars is first
# imported, which any kipu module may do; a setting of the operator's own wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")
