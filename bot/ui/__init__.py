"""Everything the member sees: embeds, views, charts, text escaping."""
