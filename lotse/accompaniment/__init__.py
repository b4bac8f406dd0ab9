"""Accompaniment (issue 19): a client asks to be accompanied to an office or practice; a
facilitator or a registered volunteer of the region takes it, both are reminded the day before,
and the companion records afterwards whether it took place."""
