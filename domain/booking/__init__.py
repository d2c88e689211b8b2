"""Booking rules: availability, holds and confirmations."""
