# Production image for the CRM: gunicorn + whitenoise (web), and the same image
# runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

# CRM_DEVTOOLS=false: the development tools (devtools/: simulators, mail sink, seed_demo,
# generate_data) are left out of the image by .dockerignore and out of INSTALLED_APPS here.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CRM_DEVTOOLS=false \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: msgfmt for compilemessages below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# Writable home: gunicorn puts its control socket in ~/.gunicorn/.
RUN useradd --system --uid 1000 --user-group --create-home --home-dir /home/crm crm \
    && mkdir -p /data/media /data/var \
    && chown -R crm:crm /data

COPY . .

# Static files (whitenoise manifest) and translations are baked into the image.
# The SECRET_KEY here is a build-time dummy; the real one comes from the environment.
RUN SECRET_KEY=build-only-dummy-secret-key DEBUG=false CRM_VAR_DIR=/tmp/crm-build \
        python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-dummy-secret-key DEBUG=false CRM_VAR_DIR=/tmp/crm-build \
        python manage.py compilemessages \
    && rm -rf /tmp/crm-build

ENV MEDIA_ROOT=/data/media \
    CRM_VAR_DIR=/data/var

USER crm
EXPOSE 8000
CMD ["gunicorn", "crm_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
