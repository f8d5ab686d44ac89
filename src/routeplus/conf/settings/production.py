"""Production profile: refuses to start without a secret key and allowed hosts; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from routeplus.conf.env import env_bool, env_int, env_list, env_str
from routeplus.conf.settings.base import *  # noqa: F403

if env_bool("DEBUG", False):
    # Refuse rather than silently ignore: an operator who sets DEBUG=true expects it to take effect.
    raise ImproperlyConfigured("DEBUG must not be on in production: debug pages show settings and data.")
DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 32 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host names this site is served on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ",".join(f"https://{h}" for h in ALLOWED_HOSTS))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
ROUTEPLUS_DEMO_ALLOWED = False

# JSON lines on stdout without personal data (routeplus.ops.logs); the process manager collects them.
from routeplus.ops.logs import json_logging  # noqa: E402

LOGGING = json_logging(env_str("LOG_LEVEL", "INFO"))
