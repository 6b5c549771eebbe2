"""Training and evaluation commands for the tone model."""
