"""The introductions pipeline: the introduce action, the board by status,
each introduction's next steps."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
