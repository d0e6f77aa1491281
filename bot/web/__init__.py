"""The web dashboard (`studybot web`): Discord login, moderators' pages, members' progress.

An adapter beside the cogs: it parses a request, checks who may see what, calls the same
services the cogs call (built by `bot.wiring`) and renders server-side HTML (Jinja2). It
holds no rule and runs no SQL of its own. `app.create_app` builds the ASGI app from a
`WebContext`; `server.serve` runs it as its own process on the bot's database.
"""
