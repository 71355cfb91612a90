"""Per-outlet page templates."""
