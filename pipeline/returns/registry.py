"""Every return the pipeline accepts, and recognising which one a file is from its headers.

A return is a module in ``pipeline/returns/`` that defines ``SPEC`` (or ``SPECS``, a list): adding
a return means adding its module, never editing a list here.
"""

from __future__ import annotations

import copyreg
import importlib
import pkgutil
from collections import Counter
from functools import cache

from pipeline.errors import UsageError
from pipeline.returns.base import ReturnSpec
from pipeline.validation.problems import FileProblem, Problem

#: Header names listed one by one in a problem; the rest are counted.
LISTED = 50


class UnknownReturn(UsageError, LookupError):
    """No return has the name asked for (``cmast template``)."""


def registered(return_type: str, template_version: str) -> ReturnSpec:
    """The registry's spec for a return at a template version."""
    for spec in all_returns():
        if (spec.return_type, spec.template_version) == (return_type, template_version):
            return spec
    raise KeyError(f"No return {return_type!r} at template version {template_version!r}")


def _by_name(spec: ReturnSpec) -> tuple:
    return (registered, (spec.return_type, spec.template_version))


# Specs go to and from worker processes by name: a spec holds functions and a pandera schema,
# and every process has the same registry of returns. The registry says so, not the spec.
copyreg.pickle(ReturnSpec, _by_name)


@cache
def all_returns() -> tuple[ReturnSpec, ...]:
    import pipeline.returns as package

    specs: list[ReturnSpec] = []
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name in {"base", "registry"}:
            continue
        module = importlib.import_module(f"pipeline.returns.{module_info.name}")
        specs += getattr(module, "SPECS", [getattr(module, "SPEC", None)])
    return tuple(spec for spec in specs if spec is not None)


def get_return(return_type: str) -> ReturnSpec:
    for spec in all_returns():
        if spec.return_type == return_type:
            return spec
    known = ", ".join(spec.return_type for spec in all_returns())
    raise UnknownReturn(f"No return called {return_type!r}; the returns are: {known}")


def normalise_header(name: object) -> str:
    """Header text as compared: case, outer spaces and inner spaces/hyphens do not matter."""
    text = "" if name is None else str(name)
    return "_".join(text.strip().lower().replace("-", " ").split())


def identify(headers: list[str]) -> ReturnSpec:
    """The return whose columns are exactly ``headers`` (already normalised), in any order,
    optional columns left out or not."""
    given = [h for h in headers if h]
    # Counted once (a hostile header line can have tens of thousands of names).
    duplicated = sorted(name for name, n in Counter(given).items() if n > 1)[:LISTED]
    if duplicated:
        raise FileProblem(
            [
                Problem(
                    rule=f"The header row repeats the column {name!r}",
                    hint="Each column must appear once.",
                )
                for name in duplicated
            ]
        )
    best, best_score = None, -1
    for spec in all_returns():
        score = len(set(given) & set(spec.columns))
        if spec.matches(set(given)):
            return spec
        if score > best_score:
            best, best_score = spec, score
    if best is None or best_score < 3:
        raise FileProblem(
            [
                Problem(
                    rule="The header row does not match any CMAST return template",
                    value=", ".join(given[:8]) + (" ..." if len(given) > 8 else ""),
                    hint="Start from the template (cmast template <return>) and keep its header "
                    "row "
                    "as it is, in the first row of the Data sheet or CSV.",
                )
            ]
        )
    missing = [c for c in best.columns if c not in given and c not in best.optional_columns]
    expected = set(best.columns)
    extra = [c for c in given if c not in expected]
    problems = [
        Problem(
            rule=f"The {best.title} header row is missing the column {name!r}",
            hint=f"Add it back: {best.description(name)}",
        )
        for name in missing
    ]
    problems += [
        Problem(
            rule=f"The column {name!r} is not part of the {best.title} template",
            hint="Remove it (the template's columns are listed on its Instructions sheet).",
        )
        for name in extra[:LISTED]
    ]
    if len(extra) > LISTED:
        problems.append(
            Problem(
                rule=f"{len(extra) - LISTED:,} more columns are not part of the {best.title} "
                "template",
                hint=f"Check this is the right file: the return has {len(best.columns)} columns.",
            )
        )
    raise FileProblem(problems)
