"""
WSGI config for safeguarding project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

application = get_wsgi_application()

from kernel.startup import settle  # noqa: E402  # once the apps are loaded

settle()  # the URL patterns loaded, then gc.freeze(): kernel/startup.py
