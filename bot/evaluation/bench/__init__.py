"""Benchmarks: answer quality against baselines, and speed and memory up to 100,000 entries.

Run with ``python -m bot bench`` (see ``docs/benchmarks.md``). Not part of the bot at run time.
"""
