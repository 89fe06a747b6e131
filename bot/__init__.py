"""placement: a rule-based Slack bot that says whether a workload belongs in a container or a VM."""

__version__ = "0.1.0"
