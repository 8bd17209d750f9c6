"""WTForms classes: shape validation only, no database look-ups."""
