"""Turning the text of a received file into typed, checked rows, or into a list of problems."""
