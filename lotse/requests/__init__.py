"""Callback requests and the desk: booking, claiming, live chats, the outbox that carries their
messages, and who takes them (facilitators, desks)."""
