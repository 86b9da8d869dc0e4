"""The headline figures of METRICS.md: values from ``marts.headline_values``, with comparators,
provenance, coverage and the sentence each is quoted in."""
