"""Pure helpers any layer may use; nothing here imports the project's apps or its wiring."""
