"""The ceiling for request-rate figures: a bare Flask app under the same gunicorn settings."""
from flask import Flask, jsonify


def create_app():
    app = Flask("hello")

    @app.get("/hello")
    def hello():
        return jsonify({"hello": "world"})

    return app
