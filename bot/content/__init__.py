"""Content packs uploaded by moderators: preview, versions, enable, disable, roll back, export."""
