"""tourbuilder: author interactive 360° virtual tours that are also e-learning modules."""

__version__ = "0.1.0"
