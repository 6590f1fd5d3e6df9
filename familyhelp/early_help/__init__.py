"""Early help with the family's consent (process specification 2.3): the lead practitioner, the early
help assessment, the family plan and its reviews, closure and step-up. Writes in services, reads
in selectors, pages in views (at /early-help/)."""
