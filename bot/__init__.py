"""Telegram gateway: relays clients' messages to Rasa and renders Rasa's answers."""
