"""Machine-translation and alignment workbench for Russian and Ukrainian news.

Stages, in the order data flows: ingest -> store -> translate -> align -> flags -> exchange -> metrics.
"""

__version__ = "0.1.0"
