"""A school's own pages: the school staff's form for a deregistration notice, and the school's
view of its pupils known to children's social care. The school is the user's agency, found by
its URN on the authority's school list (partners.Agency.urn, education.School.urn)."""
