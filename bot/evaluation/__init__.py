"""Evaluation tools, never imported at run time: benchmarks, fitting, judging, quality sets."""
