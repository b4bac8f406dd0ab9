"""Rasa-side code for Lotse: runs inside .venv-rasa (Python 3.10, Rasa 3.6)."""
