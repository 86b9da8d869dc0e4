"""``python -m cmast``: the same app as the ``cmast`` command."""

from cmast.app import app

if __name__ == "__main__":
    app()
