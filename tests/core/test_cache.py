"""The one cache (core.cache): a value read while a change dropped it is not kept as if it were current."""

from server.core.cache import Cached
from server.hazards.models import HazardCategory


def test_a_value_read_while_a_change_dropped_it_is_read_again_next_time():
    reads = []

    def load():
        reads.append(len(reads) + 1)
        if len(reads) == 1:
            cached.invalidate()  # a change committed while the first read was under way
        return reads[-1]

    cached = Cached(load, model=HazardCategory, ttl=60)
    assert cached.get() == 1  # the caller gets what was read,
    assert cached.get() == 2  # but the next one reads again,
    assert cached.get() == 2  # and then it is kept
