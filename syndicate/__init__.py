"""syndicate: cross-post a static blog to other platforms, once per post."""

__version__ = "0.1.0"
