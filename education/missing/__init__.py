"""Children missing education (Education Act 1996 s436A; issue 22 item 5): a child of
compulsory school age who is not on a school's roll, not on the children not in school register
and whose education is not known. A case opens (a school's notice that the child left with no
known destination, another agency, the authority's own enquiries), keeps the enquiries made,
and closes when the child is found on a roll or comes onto the register (the education services
close it in the same transaction) or for another recorded reason.

- services: open_missing_education_case, record_missing_education_enquiry,
  close_missing_education_case, and close_when_found (called by the education services).
- selectors: the open (or closed) cases, a child's cases, education_status in bulk, the team
  that works a case.
- feeds: what the front door's pattern alerts and the return-home risk signals learn from
  education (registered in education.apps).
"""
