"""Dossier search and the dossier page (brokers, and everyone for dossiers)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
