"""Rules a match must respect beside its relevance: feasibility today, compliance next."""
