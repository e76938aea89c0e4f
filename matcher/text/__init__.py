"""Text: Vietnamese syllables, diacritics, the bilingual lexicon."""
