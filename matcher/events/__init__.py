"""Techmart / Techdemo events: participants, optimal B2B pairing, schedules, agendas, outcomes."""
