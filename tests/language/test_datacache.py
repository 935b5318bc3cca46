"""Other packages' data files read without importing those packages, and parsed once into a cache file."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.language.datacache import cached_parse, package_file


def test_a_parse_is_kept_and_a_damaged_cache_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    source = tmp_path / "words.txt"
    source.write_text("社工站 12\n床位 7\n", encoding="utf-8")
    calls: list[bytes] = []

    def parse(data: bytes) -> dict[str, int]:
        calls.append(data)
        return {w: int(c) for w, c in (line.split() for line in data.decode().splitlines())}

    def valid(value: object) -> bool:
        return isinstance(value, dict) and bool(value)

    assert cached_parse(source, "words", 1, parse, valid) == {"社工站": 12, "床位": 7}
    assert cached_parse(source, "words", 1, parse, valid) == {"社工站": 12, "床位": 7}
    assert len(calls) == 1  # the second read came from the cache file
    (cache,) = (tmp_path / "tmp").glob("county-qa-words-1-*.marshal")
    cache.write_bytes(b"\x00not marshal")
    assert cached_parse(source, "words", 1, parse, valid) == {"社工站": 12, "床位": 7}
    assert len(calls) == 2  # damaged: parsed again, and written whole again
    source.write_text("社工站 13\n", encoding="utf-8")
    assert cached_parse(source, "words", 1, parse, valid) == {"社工站": 13}  # a new version of the file


def test_data_files_are_found_without_running_their_packages() -> None:
    code = (
        "import sys\n"
        "from bot.language.datacache import package_file\n"
        "assert package_file('jieba', 'dict.txt').is_file()\n"
        "assert package_file('pypinyin', 'pinyin_dict.json').is_file()\n"
        "import bot.engine.matching\n"
        "print(sorted(m for m in ('jieba', 'pypinyin', 'pkg_resources') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # the engine imports none of them
    with pytest.raises(FileNotFoundError):
        package_file("no_such_package_here", "data.txt")
