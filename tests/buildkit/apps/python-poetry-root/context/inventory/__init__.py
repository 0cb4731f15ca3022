"""Stock levels service."""
