"""The Slack edge: a Bolt app over the Advisor, served over HTTP or Socket Mode."""
