"""The hybrid logical clock orders stamps even when the laptop's clock stands still or goes back."""

from storage.hlc import Clock, Stamp


def test_ticks_increase_when_wall_clock_stands_still_or_goes_back():
    times = iter([1000, 1000, 999, 500, 2000])
    clock = Clock("dev-a", now_ms=lambda: next(times))
    stamps = [clock.tick() for _ in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5
    assert Stamp.parse(stamps[3]) == Stamp(1000, 3, "dev-a")
    assert Stamp.parse(stamps[4]) == Stamp(2000, 0, "dev-a")


def test_observing_a_remote_stamp_from_the_future_moves_past_it():
    clock = Clock("dev-a", now_ms=lambda: 1000)
    remote = str(Stamp(5000, 7, "dev-b"))
    clock.observe(remote)
    assert clock.tick() > remote


def test_stamps_from_two_devices_at_the_same_moment_order_by_device():
    a = Clock("aaaa", now_ms=lambda: 1000).tick()
    b = Clock("bbbb", now_ms=lambda: 1000).tick()
    assert a < b and Stamp.parse(a) < Stamp.parse(b)


def test_stamp_string_round_trips():
    s = Stamp(1795975385577, 12, "be1fa9bf0eea")
    assert Stamp.parse(str(s)) == s
