"""Who is calling: API keys and roles, and the audit log of what they changed (what each
caller may read and write is `matcher.auth.policy`)."""
