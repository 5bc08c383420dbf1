"""salescli — a plain-file sales pipeline built on the eight steps of selling (销售的八个流程)."""

__version__ = "0.1.0"
