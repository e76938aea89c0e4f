"""Bulk import of dossiers, needs and enterprises from CSV or XLSX, all rows or none."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
