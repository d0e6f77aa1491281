"""Services: one call per user action or scheduled job; one transaction each.

Cogs and scheduled jobs call these; these call `bot.store` for SQL and `bot.domain` for rules.
"""
