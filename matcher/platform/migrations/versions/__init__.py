"""The revision scripts, one per schema change, numbered in order (`ketnoi db revision`)."""
