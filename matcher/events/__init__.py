"""Techmart / Techdemo events: participants, optimal B2B pairing, schedules, agendas, outcomes.

`models` (tables and API schemas), `importer` (participants from a file), `candidates`,
`pairing`, `scheduling`, `colouring` and `checker` (pure solvers and their checker),
`service` (runs them on a stored event), `agenda` (exports), `outcomes` (ratings, follow-up,
the hand-over of held meetings to the ledger).

Who commits: the functions here never call `session.commit()`. They add and flush (to learn
ids) and return; the caller commits exactly once per unit of work: an API handler with
`api.crud.commit_or_409` or `session.commit()`, a CLI command by running in
`matcher.platform.db.session_scope` (or `configured_session`). A failure anywhere before that
commit leaves nothing written.
"""
