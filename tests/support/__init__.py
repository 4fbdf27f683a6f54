"""Helpers shared by several test packages: what a test needs from the machine, and the corpus file read once."""
