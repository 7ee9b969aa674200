"""The `remiss` command: the composition root on top of ingest, assistant, eval and ui."""
