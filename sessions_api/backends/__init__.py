"""Our session engines: Django's five, each a thin subclass with the merging mixin of ``base``."""
