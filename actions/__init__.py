"""Rasa custom actions (rasa-sdk). Thin: each one asks `lotse/` and renders a response."""
