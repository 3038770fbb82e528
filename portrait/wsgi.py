import os

from django.core.wsgi import get_wsgi_application

from portrait.startup import configured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portrait.settings.production")
application = configured(get_wsgi_application)
