"""Data package: vocabularies, platform profiles, rule sets and word lists (see README.md here)."""
