"""The caps on the room's push streams: per device, per client address, in all."""

from pztraining.serving.room.streams import FD_RESERVE, STREAMS_MAX, StreamCaps, total_streams


def test_a_full_room_of_150_phones_behind_one_nat_address_all_get_a_stream():
    caps = StreamCaps(total=total_streams(1024))
    for phone in range(150):
        assert caps.open(("phone", phone), "192.0.2.1", f"cookie-{phone}", now=float(phone)).refused == ""
    # ... and each may reload once while its old stream has not died yet.
    for phone in range(150):
        assert caps.open(("reload", phone), "192.0.2.1", f"cookie-{phone}", now=200.0 + phone).refused == ""
    assert caps.at("192.0.2.1") == 300


def test_one_address_over_its_cap_is_refused_while_other_addresses_still_get_streams():
    caps = StreamCaps(per_address=300, total=512)
    for n in range(300):
        assert caps.open(n, "10.0.0.66", None, now=0.0).refused == ""
    assert caps.open("one more", "10.0.0.66", None, now=1.0).refused == "address"
    assert caps.open("another device", "10.0.0.66", "new cookie", now=1.0).refused == "address"
    assert caps.open("a phone", "10.0.0.7", "phone cookie", now=1.0).refused == ""
    caps.close(0)  # one of the address's streams ends: room for one more
    assert caps.open("one more", "10.0.0.66", None, now=2.0).refused == ""


def test_a_device_opening_one_stream_more_than_allowed_loses_its_oldest_not_the_new_one():
    caps = StreamCaps(per_device=4)
    for n in range(4):
        assert caps.open(f"tab {n}", "10.0.0.7", "cookie", now=10.0 + n).evicted == ()
    admitted = caps.open("reload", "10.0.0.7", "cookie", now=20.0)
    assert admitted.refused == "" and admitted.evicted == ("tab 0",)
    assert caps.open_streams == 4 and caps.at("10.0.0.7") == 4
    caps.close("tab 0")  # the evicted stream's handler ends later: counted once
    assert caps.open_streams == 4
    assert caps.open("again", "10.0.0.7", "cookie", now=21.0).evicted == ("tab 1",)


def test_a_device_at_its_cap_still_gets_a_stream_when_its_address_is_full():
    caps = StreamCaps(per_device=2, per_address=2)
    caps.open("old", "10.0.0.7", "cookie", now=1.0)
    caps.open("older tab", "10.0.0.7", "cookie", now=2.0)
    # The address is full, but the stream this device gives up makes room for its new one.
    admitted = caps.open("new", "10.0.0.7", "cookie", now=3.0)
    assert admitted.refused == "" and admitted.evicted == ("old",)
    assert caps.at("10.0.0.7") == 2


def test_when_the_server_is_full_new_streams_get_503_and_a_leaving_phone_makes_room():
    caps = StreamCaps(per_address=300, total=5)
    for n in range(5):
        assert caps.open(n, f"10.0.0.{n}", None, now=0.0).refused == ""
    assert caps.open("late phone", "10.0.0.99", "cookie", now=1.0).refused == "total"
    caps.close(3)
    assert caps.open("late phone", "10.0.0.99", "cookie", now=2.0).refused == ""


def test_refused_streams_leave_no_trace_in_the_counts():
    caps = StreamCaps(per_address=1, total=10)
    caps.open("first", "10.0.0.1", "cookie", now=0.0)
    for n in range(1000):
        caps.open(n, "10.0.0.1", f"cookie {n}", now=1.0)
    caps.close("first")
    assert caps.open_streams == 0 and caps.at("10.0.0.1") == 0


def test_the_total_leaves_descriptors_for_ordinary_requests_the_database_and_kernels():
    assert total_streams(1024) == 1024 - FD_RESERVE == 512
    assert total_streams(65536) == STREAMS_MAX  # memory, not descriptors, bounds a big server
    assert total_streams(256) == 64  # a tiny limit still keeps three quarters for the rest
