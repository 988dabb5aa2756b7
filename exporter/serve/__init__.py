"""The editor's web app, `exporter serve`: a folder of articles, proofs, downloads, an API."""

from exporter.serve.options import ServeOptions

__all__ = ["ServeOptions"]
