from tests.e2e.conftest import e2e_clock, e2e_settings, make_bot, sb  # noqa: F401
