from flask import Flask
from src.db import session

app = Flask(__name__)


@app.get("/")
def index():
    return {"users": session().count()}
