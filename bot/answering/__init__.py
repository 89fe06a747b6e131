"""Fired rules -> Answer: verdict, confidence, reasons, trade-off, what would change it."""
