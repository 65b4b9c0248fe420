"""Services: check, plan, apply, verify. They take ports and return results; they never print."""
