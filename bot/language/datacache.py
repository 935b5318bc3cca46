"""Data files of other packages (jieba's dictionary, pypinyin's readings), found without importing those
packages and parsed once per version into a cache file in the temporary directory.

Importing jieba pulls in pkg_resources and its HMM tables, and importing pypinyin parses its 2.5 MB phrase
dictionary; the engine needs neither, only their data files, so start-up reads those files itself. The parse
of a file is kept as ``marshal`` data under a name that holds the file's checksum, so a new version of the
package is parsed again, and a damaged or foreign cache file is parsed over.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cached_parse", "package_file"]


def package_file(package: str, name: str) -> Path:
    """A data file shipped inside an installed package, located without running the package's code."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


def cached_parse(
    source: Path, kind: str, version: int, parse: Callable[[bytes], Any], valid: Callable[[Any], bool]
) -> Any:
    """``parse(source's bytes)``, kept in a cache file per checksum of the source and ``version`` of the parse
    (raise the version when ``parse`` changes what it returns). ``valid`` checks what a cache file held; a
    cache that is missing, damaged or not valid is parsed again and rewritten whole (written, then renamed, so
    a process reading it never sees half a file)."""
    data = source.read_bytes()
    cache_file = Path(tempfile.gettempdir()) / f"county-qa-{kind}-{version}-{zlib.crc32(data):08x}.marshal"
    try:
        value = marshal.loads(cache_file.read_bytes())
        if valid(value):
            return value
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = parse(data)
    try:
        partial = cache_file.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(value))
        os.replace(partial, cache_file)
    except OSError:
        pass  # a read-only temporary directory: parse again next time
    return value
