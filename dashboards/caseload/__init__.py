"""Caseloads: the children a social worker holds, a team's children and the work waiting for
allocation, and the looked-after children an IRO reviews. Each child with the key facts
(people.keyfacts), the next due date and when they were last seen."""
