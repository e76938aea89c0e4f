"""The catalogue of dossiers as brokers keep it: near duplicates across sources, and merging."""
