"""The front door for partners: making a contact, one's own contacts with the feedback given, the
checks addressed to one's agency, and the published threshold document (pages in views, at
/contacts/, /agency-checks/ and /threshold-document/)."""
