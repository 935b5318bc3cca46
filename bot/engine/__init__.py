"""The answering engine: retrieve → analyse → decide, claims, comparisons, follow-ups, rendering. Pure core: no
Telegram, no SQLite.
"""
