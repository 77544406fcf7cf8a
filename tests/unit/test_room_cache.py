"""The room server keeps a training (by code) and a participant (by device) for a few seconds."""

from __future__ import annotations

from pztraining.serving.room.cache import Recent


def test_a_value_is_used_until_its_seconds_are_over():
    recent = Recent(seconds=10)
    recent.put("ABC123", "training", now=100.0)
    assert recent.get("ABC123", now=109.9) == "training"
    assert recent.get("ABC123", now=110.0) is None


def test_putting_again_starts_the_seconds_anew():
    recent = Recent(seconds=10)
    recent.put("k", "old name", now=0.0)
    recent.put("k", "new name", now=8.0)
    assert recent.get("k", now=15.0) == "new name"


def test_when_full_the_oldest_entry_goes():
    recent = Recent(seconds=10, size=2)
    recent.put("a", 1, now=0.0)
    recent.put("b", 2, now=1.0)
    recent.put("c", 3, now=2.0)
    assert recent.get("a", now=3.0) is None
    assert (recent.get("b", now=3.0), recent.get("c", now=3.0)) == (2, 3)


def test_a_caller_may_ask_for_a_younger_value_without_losing_the_entry_for_others():
    recent = Recent(seconds=900)
    recent.put("device", "Sanne", now=0.0)
    assert recent.get("device", now=30.0, seconds=10) is None  # a page showing the name asks again
    assert recent.get("device", now=30.0) == "Sanne"  # a write, which needs only the id, need not
    assert recent.get("device", now=900.0) is None
