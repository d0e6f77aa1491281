"""Members and servers: profiles, guild settings, time zones, reaching a member."""
