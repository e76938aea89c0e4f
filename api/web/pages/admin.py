"""The Department's pages: the annual report, plans, sectors, users, API keys, the audit log."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
