"""Enterprises' needs: the list, the form to submit and edit one,
and a need with its suggestions."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
