"""Text -> Question: intent, subject and facts, with no model, only rules from knowledge/."""
