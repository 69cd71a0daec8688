# Gantry's Python worker: serves one WSGI app over FastCGI to the Gantry gateway (protocol/WORKER.md).
# Stdlib only, Python 3.8+. Started through app/gantry_worker.py.
