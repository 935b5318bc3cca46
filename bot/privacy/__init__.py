"""Residents' private data: phone and ID numbers found and masked, chat ids kept as pseudonyms."""
