"""Family Help has nothing in the admin, on purpose: its records (allocations, assessments,
child in need plans, visits) are case records about children, made only through
familyhelp.services, and system administrators hold no case records (people.access)."""
