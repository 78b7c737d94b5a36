"""daihoi's terminal dashboard (Textual) for the coordinators: local database or remote API."""
