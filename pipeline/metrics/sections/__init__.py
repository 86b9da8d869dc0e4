"""Each section's own part of the headline records: the sentences of its figures (registered
with :func:`pipeline.metrics.sentences.register`) and what it adds to its records before they
are written (:func:`complete`): comparators from another month, the trusts a figure names.

Importing the package registers every section module listed in ``MODULES``.
"""

from pipeline.metrics.sections import (
    diagnostics,
    elective,
    elective_sentences,
    finance,
    programme,
    theatres,
)
from pipeline.metrics.sections.base import complete

#: The section modules; importing them registers their sentences and completers.
MODULES = (diagnostics, elective, elective_sentences, finance, programme, theatres)

__all__ = ["MODULES", "complete"]
