"""plugin layer."""
