"""Read the layout's YAML data files, with libyaml's loader where PyYAML was built with it,
and their data kept in the cache folder."""

from __future__ import annotations

import contextlib
import marshal
import sys
from pathlib import Path
from typing import Any

import yaml

from exporter import cache

# libyaml parses a layout's files about ten times faster than the pure-Python loader;
# both accept the same YAML and raise yaml.YAMLError alike.
LIBYAML_SAFE_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MARSHAL_VERSION = 2
"""marshal's format without references: the same data gives the same bytes."""


def read_yaml(path: Path) -> Any:
    """Return the data of one YAML file; OSError and yaml.YAMLError pass through.

    The data of a file read before comes from the cache folder, as long as the file's
    text is the same: building it from what libyaml parses takes a cold build 2 ms.
    """
    text = path.read_text(encoding="utf-8")
    slot = "yaml-" + cache.digest(str(path)).hex()[:24]
    inputs = cache.digest(yaml.__version__, sys.version, str(LIBYAML_SAFE_LOADER), text)
    kept = cache.load(slot, inputs)
    if kept is not None:
        try:
            return marshal.loads(kept)
        except (ValueError, EOFError, TypeError):
            pass
    data = yaml.load(text, Loader=LIBYAML_SAFE_LOADER)
    # Plain data only (text, numbers, lists, maps): a date, which marshal cannot hold,
    # leaves the file to be read again every time.
    with contextlib.suppress(ValueError):
        cache.store(slot, inputs, marshal.dumps(data, MARSHAL_VERSION))
    return data
