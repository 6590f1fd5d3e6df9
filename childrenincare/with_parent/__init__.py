"""An immediate placement with a parent before the assessment is complete (Care Planning
Regulations 2010 reg 19): the assessment of the parent and household, and the nominated
officer's decision. `services` holds the rules and writes, `views`/`forms`/`urls` the pages (in
the childrenincare namespace)."""
