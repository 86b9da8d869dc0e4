"""The returns trusts send: what each is called, which schema checks it, where its rows go."""

from pipeline.returns.registry import all_returns, get_return, identify

__all__ = ["all_returns", "get_return", "identify"]
