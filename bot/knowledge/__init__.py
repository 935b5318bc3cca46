"""The knowledge model and its loaders: YAML read once into frozen dataclasses, quotes checked, derived entries,
the entry table.
"""
