"""The catalog's rules, free of frameworks: vocabularies, texts, measures and their changes."""
