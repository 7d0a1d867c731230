"""sitegen: a static site generator for browsable research-paper archives."""

__version__ = "0.1.0"
