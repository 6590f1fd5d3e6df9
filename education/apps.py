from django.apps import AppConfig


class EducationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "education"
    verbose_name = "Education: pupils' schools, relevant children, consent to withdraw for home education"

    def ready(self) -> None:
        from childrenincare.return_home.sources import register_signal_source
        from chronology.kinds import register
        from frontdoor.patterns import register_pattern_source
        from people import keyfacts

        from . import keyfacts as education_keyfacts
        from .missing import feeds

        keyfacts.register("education", education_keyfacts.education_facts)
        keyfacts.register_link("education", education_keyfacts.education_link)
        register("school-registration", "School registration", "Education")
        register("home-education-consent", "Consent to withdraw for home education", "Education")
        register("not-in-school-register", "Children not in school register", "Education")
        register("relevant-child", "Relevant child for home education", "Education")
        register("missing-education", "Children missing education", "Education")
        register_pattern_source("education-missing", feeds.missing_education_alerts)
        register_pattern_source("education-not-in-school", feeds.not_in_school_alerts)
        register_signal_source("education-missing", feeds.missing_education_signals)
        register_signal_source("education-not-in-school", feeds.not_in_school_signals)
