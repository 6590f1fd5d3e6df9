"""Merging and unmerging people in the person index, and the periodic search for likely
duplicates (issue 20, item 5).

- ``models``: ``PersonMerge`` (a merge, from its proposal to its undoing) with its
  ``MovedRow`` records (exactly which rows moved, so that an unmerge restores them), and the
  duplicate checks' ``DuplicateCheck`` and ``DuplicatePair`` (pairs for a manager to review;
  never merged automatically). A merged person becomes a *tombstone*: ``Person.merged_into``
  names the record it was merged into.
- ``kinds``: the records of the later stages as data (their words, which are statutory, which
  may be held only once), since the person index cannot import them.
- ``rows``: the generic row move. Every foreign key to ``Person`` in Django's model registry
  (the stages' included, through tables of many-to-many fields too) is found at run time; the
  rows pointing at the merged person are moved to the survivor and each is recorded.
- ``services``: ``propose_merge``, ``sign_off_merge``, ``decline_merge``, ``merge_people``,
  ``unmerge_people`` and the duplicate checks' writes; ``selectors``: the reads of the pages and
  ``live_ids`` (a tombstone's id to its survivor's), for the stages' identifier look-ups.
- ``middleware``: a request for a tombstone's page (``people.access.person_for`` raises
  ``RecordMerged``) is sent to the survivor's record, audited.

See docs/linkage.md ("Merging and unmerging people").
"""
