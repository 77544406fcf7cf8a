"""A phone's JSON body: refused with a Dutch message key when it is too deep, odd or unstorable."""

from __future__ import annotations

import sys

import pytest

from pztraining.core.texts import t
from pztraining.serving.request_body import MAX_DEPTH, BadBody, nesting_depth, parse_object

LIMIT = 64 * 1024


def refusal(raw: bytes) -> str:
    with pytest.raises(BadBody) as caught:
        parse_object(raw, LIMIT)
    t(caught.value.key)  # a Dutch sentence exists for it
    return caught.value.key


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"values": ' + b'{"a": ' * 5_000 + b"1" + b"}" * 5_001,
        b"[" * (sys.getrecursionlimit() + 10),
    ],
)
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(raw):
    assert refusal(raw) == "room.error.bad_request"


def test_brackets_inside_texts_do_not_count_as_nesting():
    deep_text = '"' + "[" * 100 + '\\"{' + '"'
    assert nesting_depth(f'{{"a": {deep_text}}}'.encode()) == 1
    assert parse_object(f'{{"a": {deep_text}}}'.encode(), LIMIT) == {"a": "[" * 100 + '"{'}
    assert nesting_depth(b'{"a": [[' + b"1" + b"]]}") == 3
    assert parse_object(b'{"a":' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}", LIMIT)  # at the limit
    assert refusal(b'{"a":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}") == "room.error.bad_request"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\\ud800"}',
        b'{"v": {"\\udfff": 1}}',
        b'{"x": "a\\u0000b"}',
        b'{"x": "\\u001b[31m"}',
        b'{"x": "\\u0085"}',
    ],
)
def test_a_text_that_cannot_be_stored_is_refused_with_its_own_message(raw):
    assert refusal(raw) == "room.error.bad_text"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"n": NaN}',
        b'{"n": Infinity}',
        b'{"n": 1e999}',
        b'{"n": ' + b"9" * 5000 + b"}",
        b"[1, 2]",
        b'"text"',
        b"",
        b"{",
        b"\xef\xbb\xbf{}",
        b'{"x": "\xed\xa0\x80"}',
        b'{"x": "\xff"}',
    ],
)
def test_odd_numbers_and_shapes_are_refused(raw):
    assert refusal(raw) == "room.error.bad_request"


def test_a_body_over_the_limit_is_refused():
    assert refusal(b'{"x": "' + b"a" * LIMIT + b'"}') == "room.error.too_big"


def test_line_breaks_are_kept_and_windows_line_ends_become_one():
    data = parse_object(b'{"values": {"q": "een\\r\\ntwee\\rdrie\\tvier\\n"}, "n": [1, 2.5, true, null]}', LIMIT)
    assert data == {"values": {"q": "een\ntwee\ndrie\tvier\n"}, "n": [1, 2.5, True, None]}


def test_a_body_of_thousands_of_small_arrays_is_refused_before_it_is_parsed():
    # Shallow, but 20,000 lists would cost the event loop tens of milliseconds to build.
    assert refusal(b'{"a": [' + b"[]," * 20_000 + b"[]]}") == "room.error.bad_request"
    assert parse_object(b'{"a": "' + b"[" * 20_000 + b'"}', LIMIT) == {"a": "[" * 20_000}  # text, not arrays
