"""The `perceptron` command: the Typer app, the embedded stack and its supervisor, bootstrap,
ingest and migrate."""
