"""Durable state for the Slack app: conversations per thread and the events already handled."""
