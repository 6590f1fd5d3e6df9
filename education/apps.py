from django.apps import AppConfig


class EducationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "education"
    verbose_name = "Education: pupils' schools, relevant children, consent to withdraw for home education"

    def ready(self) -> None:
        from chronology.kinds import register
        from people import keyfacts

        from . import keyfacts as education_keyfacts

        keyfacts.register("education", education_keyfacts.education_facts)
        register("school-registration", "School registration", "Education")
        register("home-education-consent", "Consent to withdraw for home education", "Education")
        register("not-in-school-register", "Children not in school register", "Education")
        register("relevant-child", "Relevant child for home education", "Education")
