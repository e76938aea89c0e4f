"""Application services: every write of dossiers, needs and enterprises goes through them.

A service validates references (through the caller's access policy), writes, and flushes; the
outbox row of a searchable record is appended in the same transaction by the session itself
(`matcher.platform.outbox`). Services never commit: the caller commits once per unit of work
(`matcher.platform.runtime.Runtime.commit` for the API, `session_scope` for the CLI), so a
request's writes land together or not at all.
"""
