"""The demo data set, one module per app, loaded in order by `manage.py seed_demo`."""
