"""The introductions ledger (giới thiệu), transfers, trainings, FDI projects and programme
targets: `models` (tables and API schemas), `pipeline` (status changes), `service` (writing
the ledger), `counting`, `progress` and `report` (measuring it), `seed` (demo data).

Who commits: the ledger's functions never call `session.commit()`. They add and flush (to
learn ids) and return; the caller commits exactly once per unit of work: an API handler with
`api.crud.commit_or_409` or `session.commit()`, a CLI command by running in
`matcher.platform.db.session_scope` (or `configured_session`). A failure anywhere before that
commit leaves nothing written. Import the modules themselves (`from matcher.ledger.service
import introduce`): this package imports nothing, so `matcher.auth.policy` can import
`matcher.ledger.models` without a cycle.
"""
