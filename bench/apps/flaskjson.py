"""The benchmark's Flask JSON endpoint (TechEmpower's "JSON serialization" shape): GET /json."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/json")
def json_endpoint():
    return jsonify(message="Hello, World!")
