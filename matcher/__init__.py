"""KetNoi's domain: data model, priority sectors, retrieval, scoring and explanations."""
