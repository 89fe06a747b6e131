"""Facts -> fired rules, through the durable_rules forward-chaining engine."""
