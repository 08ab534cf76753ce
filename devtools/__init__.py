"""Development tools: the local simulators, the mail sink, the demo seed and the data generator.

Used by ./run, the tests and bench/; no product app imports this package (docs/architecture.md,
"Development tools"). It is an installed app so that `manage.py seed_demo` and
`manage.py generate_data` exist; settings leave it out when CRM_DEVTOOLS=false (the production image).
"""
