from django.urls import path

app_name = "childprotection"

urlpatterns = [
]
