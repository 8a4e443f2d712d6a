"""The embedded default stack: PostgreSQL + pgvector and the Temporal dev server as children.

Both are ordinary child processes of the supervisor (``cli.embedded.supervisor``), each in its
own session so that a Ctrl-C at the terminal reaches only the supervisor, which then stops
everything in order.
"""
