"""Speed measurements, run by hand, not by the test suite: ``python -m bench`` (``make bench``)
for all of them against their baselines, or one module alone; see ``bench/README.md``."""
