"""Answering residents in Telegram: replies formatted for phones, inline mode, feedback."""
