"""A language's hyphenation patterns, kept parsed in the toolkit's cache folder.

WeasyPrint hyphenates the bulletin's justified columns with pyphen, which reads and
parses a language's patterns the first time a process lays out text in it: 5,000
patterns and about 50 ms for English, 450 ms for German, in every cold PDF build. The
parsed patterns are kept, pickled, in the cache folder (`exporter.cache`, keyed by
pyphen's version and the dictionary file) and put where pyphen looks before it parses:
its own cache of dictionaries by file (`pyphen.hdcache`), which WeasyPrint's calls use.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from exporter import cache


def preload(lang: str) -> None:
    """Put the parsed patterns of `lang` in pyphen's cache, from the cache folder if kept."""
    import pyphen

    fallback = pyphen.language_fallback(lang)
    if fallback is None:
        return  # no patterns for the language: WeasyPrint does not hyphenate it
    path = pyphen.LANGUAGES[fallback]
    if path in pyphen.hdcache:
        return
    try:
        dictionary = Path(str(path)).stat()
        code = Path(__file__).read_bytes()
    except OSError:
        return
    slot = "hyphenation-" + cache.digest(str(path)).hex()[:24]
    inputs = cache.digest(
        code,
        pyphen.__version__,
        str(path),
        str(dictionary.st_size),
        str(dictionary.st_mtime_ns),
    )
    kept = cache.load(slot, inputs)
    if kept is not None:
        try:
            patterns = pickle.loads(kept)
        except Exception:  # an entry that does not read (a class pyphen renamed) is made again
            patterns = None
        if isinstance(patterns, pyphen.HyphDict):
            pyphen.hdcache[path] = patterns
            return
    patterns = pyphen.HyphDict(path)
    cache.store(slot, inputs, pickle.dumps(patterns, protocol=pickle.HIGHEST_PROTOCOL))
    pyphen.hdcache[path] = patterns
