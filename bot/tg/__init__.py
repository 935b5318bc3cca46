"""Telegram adapters: the Application and its handlers, around the pure core in ``bot``."""

import os

# Opt in to python-telegram-bot's timedelta time periods now (RetryAfter.retry_after and friends), as
# its deprecation warning asks; the int form goes away in its next major version.
os.environ.setdefault("PTB_TIMEDELTA", "true")
