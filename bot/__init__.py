"""A county Q&A bot: a Telegram bot answering residents from a cited knowledge base of one official release.

The core (``knowledge``, ``text``, ``matching``, ``render``) never imports ``telegram``.
"""

__version__ = "0.1.0"
