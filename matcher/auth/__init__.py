"""Who may do what: API keys and roles, need visibility and anonymisation, the audit log."""
