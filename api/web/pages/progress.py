"""Progress per jurisdiction against the plan's targets."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
