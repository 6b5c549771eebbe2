"""Feedback from the chat tool: what agents did with the service's verdicts, and corrected labels."""
