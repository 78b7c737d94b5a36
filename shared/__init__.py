"""daihoi domain package: models, rules, progress and deadline logic (no Flask, no Textual)."""
