"""Controls that more than one screen uses (they take the host, like screens)."""
