from django.urls import path

app_name = "familyhelp"

urlpatterns = [
]
