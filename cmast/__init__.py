"""The cmast app: the command line above the library (``pipeline``) and its flows."""
