"""bench/processes.py: CPU shares between two readings of the clocks."""

import pytest

from bench.processes import CpuClock


def test_cpu_shares_count_new_processes_whole_and_gone_ones_not():
    before = CpuClock(busy=100, total=1000, groups={"workers": {1: 10, 2: 20}})
    after = CpuClock(busy=600, total=2000, groups={"workers": {1: 110, 3: 50}})
    shares = after.shares_since(before)
    assert shares == {"machine": pytest.approx(50), "workers": pytest.approx(15)}
