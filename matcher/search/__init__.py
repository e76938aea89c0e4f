"""Search: documents, query preparation, channels, retrieval, fusion, ranking, explanations
and the index that follows the database."""
