"""Answers rendered for people and programs: terminal text, JSON, Slack Block Kit."""
