"""The information-sharing log (Children Act 2004 s16LA and s16LC, inserted by the Children's
Wellbeing and Schools Act 2026; process specification 6.4 and 6.5) and CP-IS style look-ups.

Layer: above ``casework`` (it asks ``casework.services.responsible`` who holds a child's case,
to tell the allocated worker) and below the stages, which call ``services.record_disclosure``
where they disclose: a partner's answer to a front door check (frontdoor), the information
shared at a strategy discussion (childprotection, to each other agency present) and at MACE
(exploitation). CP-IS reads the three flags from the stages' key-facts providers
(people.keyfacts), so it imports no stage.

- ``bases``: the lawful bases as data (``data/lawful-bases.json``) and the commencement settings
  S16LA_COMMENCEMENT and S16LC_COMMENCEMENT;
- ``selectors.consistent_identifier(person)``: the s16LC identifier (S16LC_IDENTIFIER_TYPE, the
  NHS number unless set [U]);
- ``services``: record_disclosure, record_withholding, notify_allocated_worker, read_notice;
- ``cpis``: answer_query, and ``api``: POST /api/v1/cpis/queries/ (scope ``cpis:query``);
- pages: /sharing/people/<id>/ (the child's history and its two forms), /sharing/not-shared/
  (managers), /sharing/notices/ (a worker's notices, also shown on their caseload).
"""
