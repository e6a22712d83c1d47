"""The app as served, plus minimal hello-world views: the baselines the benchmarks divide by."""

import base64
import hashlib
import json
import os

from flask import request

from server import create_app

app = create_app({"INSTANCE_PATH": os.environ.get("BENCH_INSTANCE_PATH")})


@app.get("/bench/hello")
def hello():
    return {"hello": "world"}


# The hazard reports' two requests with nothing behind them: the body read and its SHA-256 checked, the
# JSON parsed, 201 answered (bench/hazard_reports.py's baseline: what gunicorn and Flask cost alone)
@app.put("/bench/photos/<photo_id>")
def hello_photo(photo_id):
    digest = base64.b64encode(hashlib.sha256(request.get_data(cache=False)).digest()).decode()
    return {"id": photo_id, "matches": request.headers["Content-Digest"] == f"sha-256=:{digest}:"}, 201


@app.post("/bench/hazards")
def hello_report():
    return {"id": json.loads(request.get_data())["id"]}, 201


# An assessment's submission with nothing behind it: the JSON parsed, 201 answered with its id
# (bench/inspection_submissions.py's baseline)
@app.post("/bench/inspections")
def hello_inspection():
    return {"id": json.loads(request.get_data())["id"]}, 201
