"""Data package: report templates, translations and assets."""
