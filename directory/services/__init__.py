"""Business logic: writes, imports, indexing and search, independent of HTTP."""
