"""Care planning for a looked-after child: the care plan, the IRO, health assessments, personal
education plans, looked-after reviews, statutory visits, OC2 outcomes and the end of short
breaks. `services` holds the rules and writes, `views`/`forms`/`urls` the pages (in the
childrenincare namespace)."""
