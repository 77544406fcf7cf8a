"""The texts module: one sentence per key."""

import ast
import collections
from pathlib import Path

import pztraining.core.texts


def test_no_key_is_written_twice():
    # A dict literal keeps the last of two equal keys without a word: one of the two screens
    # (or the help of one of two commands) would silently say the other one's sentence.
    tree = ast.parse(Path(pztraining.core.texts.__file__).read_text(encoding="utf-8"))
    table = next(node for node in ast.walk(tree) if isinstance(node, ast.Dict))
    counts = collections.Counter(key.value for key in table.keys)
    assert [key for key, count in counts.items() if count > 1] == []
