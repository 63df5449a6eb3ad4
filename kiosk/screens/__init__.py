"""Screen builders: each takes the session (and what it shows) and returns controls."""
