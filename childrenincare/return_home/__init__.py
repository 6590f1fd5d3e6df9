"""The return home of a child in care: the decision with its gates, risk signals, household,
support plan and family group decision-making, its approval, the return, and the 12 months of
monitoring after it. `services` holds the rules and writes, `views`/`forms`/`urls` the pages
(in the childrenincare namespace)."""
