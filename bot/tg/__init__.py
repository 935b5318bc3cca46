"""The Telegram adapter: python-telegram-bot application, handlers and HTML rendering."""
