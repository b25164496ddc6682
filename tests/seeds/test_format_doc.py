"""seeds/README.md against the code and the story: no key, file or example drifts away from the truth."""

from __future__ import annotations

import re

import pytest

from seeds.format import FILES
from seeds.loader import STORY
from tests.support import ROOT

README = ROOT / "seeds" / "README.md"
READER_KEY = re.compile(r'r\.(?:text|choice|when|score|get|slug_list|text_list|one_of)\(\s*"([a-z_]+)"')


def readme() -> str:
    """The seed format document."""
    return README.read_text(encoding="utf-8")


def test_every_file_is_documented():
    """Given the seed file list, when the README is read, then each file has its own section."""
    text = readme()
    for name, _ in FILES:
        assert f"### `{name}`" in text, name


def test_every_key_the_reader_accepts_is_documented():
    """Given the keys seeds/format.py reads, when the README is read, then each appears as a `key`."""
    source = (ROOT / "seeds" / "format.py").read_text(encoding="utf-8")
    keys = set(READER_KEY.findall(source)) | {"slug"}
    assert len(keys) > 30
    text = readme()
    assert sorted(k for k in keys if f"`{k}`" not in text) == []


@pytest.mark.parametrize("name", [name for name, _ in FILES])
def test_example_line_is_verbatim_from_the_story(name):
    """Given the README's example for a file, when compared with the story, then it is one of its lines."""
    match = re.search(rf"^`{re.escape(name)}`\n\n```json\n(.+)\n```$", readme(), re.M)
    assert match, f"no example for {name}"
    lines = (STORY / name).read_text(encoding="utf-8").splitlines()
    assert match[1] in lines
