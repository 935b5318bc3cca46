"""Announcements: the YAML model and its schedule, and their delivery to subscribed chats."""
