"""Step 6: matching people: the same person within a file, across files, objects and platforms."""
