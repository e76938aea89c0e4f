"""Techmart events for organisers: participants, meeting requests, pairing, the grid, agendas,
outcomes."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
