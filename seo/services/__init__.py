"""The one write path and the one read path, used by web, CLI and build."""
