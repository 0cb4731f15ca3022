SECRET_KEY = "dev"
INSTALLED_APPS = ["rest_framework", "shop"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}
