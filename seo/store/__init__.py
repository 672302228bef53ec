"""Storage: models, queries, migrations, backups, history rows."""
