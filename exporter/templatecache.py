"""Compiled Jinja templates kept in the toolkit's cache folder, as Python keeps bytecode.

Compiling a layout's templates (the bulletin's HTML and CSS, the EPUB's pages) takes
about 20 ms of every cold build of a PDF or an EPUB. An entry is made from the
template's source (Jinja checks it again on loading) and from what compiles it: Jinja's
version and the code that sets up the environment, whose options shape the compiled
code. A changed template, layout module or Jinja compiles again.
"""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket

from exporter import cache


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache over `exporter.cache`."""

    def __init__(self, compiler: bytes) -> None:
        self.compiler = compiler

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from the cache folder, when it holds its template compiled."""
        data = cache.load(_slot(bucket), self._inputs(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a template just compiled in the cache folder."""
        cache.store(_slot(bucket), self._inputs(bucket), bucket.bytecode_to_string())

    def _inputs(self, bucket: Bucket) -> bytes:
        return cache.digest(self.compiler, bucket.checksum)


def _slot(bucket: Bucket) -> str:
    # Jinja's key digests the template's name and file: one slot per template of a layout.
    return f"jinja-{bucket.key[:24]}"
