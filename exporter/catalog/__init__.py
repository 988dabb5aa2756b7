"""An OPDS 1.2 catalogue of built articles, for e-reader software to subscribe to.

`issues` reads each EPUB's package document, `covers` makes the cover and thumbnail
files, `feeds` writes the Atom feeds, `search` the OpenSearch description and search
results, and `catalogue` puts a folder's catalogue together.
"""

from exporter.catalog.catalogue import Catalogue, make_catalogue, write_catalogue

__all__ = ["Catalogue", "make_catalogue", "write_catalogue"]
