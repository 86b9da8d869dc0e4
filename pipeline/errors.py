"""The errors a person can cause or meet, each a :class:`CmastError`.

Every one carries the exit code the ``cmast`` command ends with (docs/robustness.md, Exit
codes) and the word its message starts with; the app turns any of them into that one line on
standard error, never a traceback. An error here also keeps the built-in class it refines
(``FileNotFoundError``, ``TimeoutError``, ``LookupError`` ...) as a second base, so code that
catches the built-in one still does.

Errors of the program itself (a bug, a broken install) are not ``CmastError``: they keep their
traceback, as that is what whoever fixes them needs.
"""

from __future__ import annotations

#: Exit codes, named where they are decided.
DONE, REFUSED, USAGE = 0, 1, 2


class CmastError(Exception):
    """Something asked could not be done; the message says what and what to do."""

    exit_code = REFUSED
    #: The first words of the line the command prints.
    label = "Not done"


class UsageError(CmastError):
    """What was asked cannot be asked: a value of the wrong form, a name that does not exist."""

    exit_code = USAGE
    label = "Bad usage"


class SettingInvalid(UsageError, ValueError):
    """A ``CMAST_*`` setting holds a value its parser cannot read (docs/configuration.md)."""
