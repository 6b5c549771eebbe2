"""Batch audit of exported chat logs: per-reply tones, per-agent figures, a report for a shop manager."""
