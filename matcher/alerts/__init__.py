"""Alerts (thông báo): new confident matches of needs and saved searches, digested per day,
kept in an inbox and delivered by e-mail and webhook; `notify` for any other kind of notice."""
