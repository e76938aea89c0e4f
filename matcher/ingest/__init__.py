"""Getting records in: tabular files, the all-or-nothing importer, seed data."""
