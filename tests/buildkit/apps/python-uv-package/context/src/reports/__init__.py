"""Monthly reports."""
