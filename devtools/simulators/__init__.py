"""Local stand-ins for the outside systems, each a real HTTP server on 127.0.0.1.

python -m devtools.simulators.bisnode --port 8099      company information (SOAP)
python -m devtools.simulators.erp --port 8098 ...      the ERP (docs/erp-api.yaml)
"""
