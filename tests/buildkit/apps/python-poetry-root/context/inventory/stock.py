from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/stock/<sku>")
def stock(sku):
    return jsonify(sku=sku, level=42)
