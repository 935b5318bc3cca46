"""Teaching from the chat: suggestions, edits of the knowledge YAML with history and undo."""
