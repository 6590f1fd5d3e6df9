from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit import services as audit
from kernel.access import rule
from people.access import person_for

from .forms import ChronologyEntryForm
from .services import record_event

if TYPE_CHECKING:
    from kernel.access import SignedInRequest


@rule("case_change")
def add_entry(request: "SignedInRequest", person_id: int) -> HttpResponse:
    """Add a significant event from outside the system to a person's chronology."""
    person = person_for(request.user, person_id)
    if request.method == "POST":
        form = ChronologyEntryForm(request.POST, person=person)
        if form.is_valid():
            data = form.cleaned_data
            entry = record_event(
                person,
                data["kind"],
                data["occurred_at"],
                data["title"],
                detail=data["detail"],
                agency=data["agency"],
                recorded_by=request.user,
                manual=True,
            )
            audit.record_creation(request.user, entry, person=person, summary="Added a chronology entry")
            messages.success(request, "Added to the chronology")
            return redirect("people:detail", person_id=person.pk)
    else:
        form = ChronologyEntryForm(person=person)
    return render(request, "people/form_page.html", {"form": form, "person": person, "title": "Add a chronology entry"})
