"""The app as served, plus a minimal hello-world view: the baseline the benchmarks divide by."""
import os

from server import create_app

app = create_app({"INSTANCE_PATH": os.environ.get("BENCH_INSTANCE_PATH")})


@app.get("/bench/hello")
def hello():
    return {"hello": "world"}
