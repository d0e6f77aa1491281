"""studybot: a Discord bot for study servers of people breaking into ML engineering."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("studybot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
