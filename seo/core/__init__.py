"""Pure code: no web framework, no database, no I/O."""
