"""The reference for dynamic serving: a hello-world Flask route."""

from flask import Flask

app = Flask(__name__)


@app.route("/hello/")
def hello() -> str:
    return "Hello, world!"
