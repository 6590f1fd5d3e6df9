"""The demo authority's record linkage (issue 20). Called by demo.generator after the other
modules: `Linkage(generator).run()` returns {what: how many}. Its random stream is its own
("<seed>:linkage"), so the same seed, size and `today` give the same records, and no other
module's records changed when it was added.

Everything goes through the linkage services, so the demo keeps their rules:

- The model: the model trained offline on a synthetic world (`linkage/data/model-synthetic.json`,
  made by `linkage_train --save`; its accuracy travels with it) is stored as version 1 by the
  performance analyst and approved by the head of service (`store_model`, `approve_model`).
- Two partner feeds about the authority's own children, each received whole
  (`receive_records`) and scored by the linkage job (`link_records`, run here rather than left
  for the worker, so the demo is ready when it starts):
  - the community health trust's records (health visiting and school nursing) of about one child
    in twenty, with NHS numbers, and a few children the authority does not know;
  - the police's records of about one child in a hundred, with no identifiers.
  The records carry the errors partners' records have (linkage.synthetic's: typing errors,
  nicknames, swapped day and month, old family names, mistyped NHS numbers, a sibling's
  number), so some link automatically, some wait for review and some are new children.
- Restricted children are left out of the index by the job itself (linkage.selectors).
"""

import json
import random
import time
from pathlib import Path

from linkage import services, synthetic
from linkage.models import LinkageRun, Submission
from linkage.scoring import Thresholds
from partners.models import Agency
from people.models import Identifier, Person, PersonAddress

MODEL = Path(synthetic.__file__).resolve().parent / "data" / "model-synthetic.json"
# How many of the authority's children each partner sends records about [U: a demo's choice].
FEEDS = (("health", 0.05, True), ("police", 0.01, False))


class Linkage:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:linkage")
        self.counts: dict[str, int] = {}

    def run(self):
        g = self.g
        if not g.children or not MODEL.exists():
            return self.counts
        staff = {u.username: u for u in g.staff}
        analyst, head = staff.get("analyst"), staff.get("head.of.service")
        if analyst is None or head is None:
            return self.counts
        data = json.loads(MODEL.read_text(encoding="utf-8"))
        model = services.store_model(
            analyst,
            data["splink_settings"],
            thresholds=Thresholds(**data["thresholds"]),
            accuracy=data.get("accuracy", {}),
            description="Trained on a synthetic world (linkage_synthetic), shipped with the service",
        )
        services.approve_model(head, model)
        self.counts["linkage models"] = 1
        children = self.children()
        agencies = {
            "health": Agency.objects.filter(kind=Agency.Kind.HEALTH_PROVIDER).order_by("pk").first(),
            "police": Agency.objects.filter(kind=Agency.Kind.POLICE).order_by("pk").first(),
        }
        senders = {"health": staff.get("health.visitor"), "police": staff.get("police.officer")}
        maker = synthetic.Generator(self.rng.randrange(1 << 30))
        started = time.monotonic()
        for name, share, with_identifiers in FEEDS:
            agency = agencies[name]
            if agency is None:
                continue
            rows = self.feed(maker, children, share, with_identifiers)
            submission = services.receive_records(
                senders[name], agency, rows, source=Submission.Source.API, filename=f"{name}-records.csv"
            )
            run = LinkageRun.objects.filter(submission=submission).first() or services.queue_run(submission)
            if run is not None:
                services.link_records(run.pk, today=self.today)
                run.refresh_from_db()
                for band, number in (run.counts or {}).items():
                    if band != "records":
                        key = f"partner records {band}"
                        self.counts[key] = self.counts.get(key, 0) + int(number)
            self.counts["partner records"] = self.counts.get("partner records", 0) + len(rows)
        g.log(f"  linkage: {self.counts.get('partner records', 0)} records scored ({time.monotonic() - started:.1f} s)")
        return self.counts

    def children(self) -> list[synthetic.Child]:
        """The authority's born children as the generator's own kind of child: names, date of
        birth, sex, home postcode, NHS number and UPN."""
        people = list(
            Person.objects.filter(kind=Person.Kind.CHILD, date_of_birth__isnull=False, restricted=False)
            .order_by("pk")
            .values_list("pk", "given_names", "family_name", "date_of_birth", "sex")
        )
        numbers: dict[tuple[int, str], str] = {}
        for person_id, id_type, value in Identifier.objects.filter(
            id_type__in=(Identifier.Type.NHS, Identifier.Type.UPN), valid_to__isnull=True
        ).values_list("person_id", "id_type", "value"):
            numbers[(person_id, id_type)] = value
        homes = dict(
            PersonAddress.objects.filter(kind=PersonAddress.Kind.HOME, moved_out__isnull=True)
            .order_by("person_id", "moved_in")
            .values_list("person_id", "address__postcode")
        )
        found = []
        for pk, given, family, born, sex in people:
            if not given or not family or born is None:
                continue
            found.append(
                synthetic.Child(
                    person_id=str(pk),
                    given_names=given,
                    family_name=family,
                    dob=born,
                    sex=sex if sex in ("M", "F") else "",
                    postcode=homes.get(pk) or "",
                    nhs_number=numbers.get((pk, Identifier.Type.NHS), ""),
                    upn=numbers.get((pk, Identifier.Type.UPN), ""),
                )
            )
        # Siblings: children at one address (a sibling's NHS number is a partner's error).
        by_home: dict[str, list[synthetic.Child]] = {}
        for child in found:
            if child.postcode:
                by_home.setdefault(f"{child.postcode}:{child.family_name}", []).append(child)
        for household in by_home.values():
            for child in household:
                child.siblings = [other for other in household if other is not child]
        return found

    def feed(
        self, maker: synthetic.Generator, children: list[synthetic.Child], share: float, with_identifiers: bool
    ) -> list[dict[str, str]]:
        """A partner's records of `share` of the children (at least 20), with their errors, and a
        few children the authority does not know (one in ten records)."""
        chosen = self.rng.sample(children, min(len(children), max(20, round(len(children) * share))))
        strangers = [c for _ in range(max(2, len(chosen) // 10)) for c in maker.household()][
            : max(2, len(chosen) // 10)
        ]
        rows = []
        for n, child in enumerate(chosen + strangers):
            row, _ = maker.feed_record(child, f"D{n + 1:07d}")
            row.pop("agency", None)
            if not with_identifiers:
                row["nhs_number"] = row["upn"] = ""
            rows.append(row)
        return rows
