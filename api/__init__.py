"""The thin HTTP layer: auth, routes, streaming. Workflows do the work."""
