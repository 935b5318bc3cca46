"""The knowledge model and its loaders: YAML read once into frozen dataclasses, quotes checked, derived entries.

``model`` (the dataclasses and quote keys), ``problems`` (file:line problems), ``yamlread`` (file text and YAML
with line numbers), ``load`` (``load_knowledge``) with ``sources``, ``topics``, ``verify`` and ``derived``,
``extras`` (files features read with their own loaders) and ``table`` (the entries as columns).
"""
