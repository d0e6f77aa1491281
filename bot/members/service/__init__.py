"""The members services: guild settings, member profiles and context, reaching a member."""
