"""Builders for tests (in this app and others, such as the access matrix): a partner's record
scored against given people without training a model, through the same code a run keeps its
findings with (`linkage.services._keep`), so the record is in the review queue exactly as a
run would put it there. Everyone here is synthetic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import scoring, services
from .models import LinkageModel, LinkageRun, PartnerRecord, Submission

# A pair of the same child whose family name changed: weights that add up to 6.4 (review).
WEIGHTS = {
    "prior": -11.2,
    "first_name": 6.1,
    "family_name": -2.0,
    "dob": 7.1,
    "postcode": 4.0,
    "nhs_number": 0.0,
    "upn": 0.0,
    "sex": 2.4,
}
LEVELS = {"first_name": 5, "family_name": 0, "dob": 4, "postcode": 3, "nhs_number": -1, "upn": -1, "sex": 1}


def approved_model(user: Any = None) -> LinkageModel:
    """An approved model (its Splink settings a stand-in: nothing here scores with it)."""
    found = services.approved_model()
    if found is not None:
        return found
    model = services.store_model(
        None, {"stand_in": True}, thresholds=scoring.Thresholds(upper=9.0, lower=0.0, margin=4.0), accuracy={}
    )
    if user is None:
        from partners.models import User

        user = User.objects.filter(is_active=True).first() or User.objects.create_user(username="linkage-approver")
    return services.approve_model(user, model)


def scored_record(
    agency: Any,
    people: Sequence[Any],
    *,
    record_id: str = "R1",
    given_names: str = "Alex",
    family_name: str = "Newname",
    date_of_birth: str = "2016-04-01",
    sex: str = "M",
    postcode: str = "LS1 4AP",
    nhs_number: str = "",
    upn: str = "",
    weights: Sequence[dict[str, float]] | None = None,
    levels: Sequence[dict[str, int]] | None = None,
    guards: Sequence[Sequence[str]] | None = None,
    band: str = "review",
) -> PartnerRecord:
    """One agency's record, received and scored: `people` are its candidates, best first, each
    with its weights (by default WEIGHTS, less 3 for each rank down) and levels."""
    submission: Submission = services.receive_records(
        None,
        agency,
        [
            {
                "record_id": record_id,
                "given_names": given_names,
                "family_name": family_name,
                "date_of_birth": date_of_birth,
                "sex": sex,
                "postcode": postcode,
                "nhs_number": nhs_number,
                "upn": upn,
            }
        ],
        source=Submission.Source.API,
    )
    model = approved_model()
    run = LinkageRun.objects.create(
        model=model, submission=submission, thresholds=model.thresholds, status=LinkageRun.Status.RUNNING
    )
    record = PartnerRecord.objects.get(agency=agency, agency_record_id=record_id)
    candidates = []
    for rank, person in enumerate(people, start=1):
        pair_weights = (
            dict(weights[rank - 1]) if weights else {**WEIGHTS, "first_name": WEIGHTS["first_name"] - 3 * (rank - 1)}
        )
        pair_levels = dict(levels[rank - 1]) if levels else dict(LEVELS)
        total = sum(pair_weights.values())
        row: dict[str, Any] = {
            "record_id": str(record.pk),
            "person_id": str(person.pk),
            "rank": rank,
            "match_weight": total,
            "match_probability": 2**total / (1 + 2**total),
            "guards": list(guards[rank - 1]) if guards else (["margin"] if len(people) > 1 and rank == 1 else []),
            "band": band if rank == 1 else None,
        }
        row.update({f"w_{name}": pair_weights[name] for name in scoring.COMPARISONS})
        row.update({f"gamma_{name}": pair_levels.get(name) for name in scoring.COMPARISONS})
        candidates.append(row)
    best = (
        [candidates[0]]
        if candidates
        else [{"record_id": str(record.pk), "person_id": None, "match_weight": None, "band": "none", "guards": []}]
    )
    services._keep(run, [record], scoring.Scored(best=best, candidates=candidates))
    record.refresh_from_db()
    return record
