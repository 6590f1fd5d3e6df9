"""The access matrix's records for the partnership's voice of children and families and its
multi-agency training (see test_access_matrix.MODULES): a theme with feedback and what changed,
a survey, a course with a session and its attendance. Their routes use the partnership's rules
(matrix_partnership's rows): reading is `partnership`, recording `partnership_change` (the
business unit). Feedback names no child, so no row here opens one."""

import datetime

from partners.models import User

R = User.Role
# No rows of its own: the voice and training routes use the partnership's rules, whose rows are
# matrix_partnership's (so a change to who reads the partnership is decided in one place).
EXPECTED: dict[str, object] = {}


def history(world):
    """Make the module's records; return {URL parameter name: value}."""
    from partnership.training import services as training
    from partnership.training.models import TrainingTopic
    from partnership.voice import services as voice
    from partnership.voice.models import FeedbackKind

    officer = world["users"][R.PARTNERSHIP_OFFICER]
    partner = world["users"][R.PARTNER_PRACTITIONER]
    today = datetime.date.today()
    theme = voice.save_theme(officer, name="Matrix theme")
    voice.record_feedback(
        officer,
        kind=FeedbackKind.objects.get(slug="comment"),
        source="child",
        received_on=today,
        words="Matrix words",
        consent="quote",
        themes=[theme],
    )
    voice.record_what_changed(officer, theme, what="Matrix change", changed_on=today)
    course = training.add_course(officer, title="Matrix course", topic=TrainingTopic.objects.get(slug="neglect"))
    session = training.record_session(
        officer, course, held_on=today, mode="online", places=10, attendance=[(partner.agency, 3)]
    )
    return {"voice_theme_id": theme.pk, "training_course_id": course.pk, "training_session_id": session.pk}
