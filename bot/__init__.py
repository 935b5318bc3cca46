"""交城问答: a Telegram bot answering residents of 交城县 from a cited knowledge base.

The core (``knowledge``, ``text``, ``matching``, ``render``) never imports ``telegram``.
"""

__version__ = "0.1.0"
