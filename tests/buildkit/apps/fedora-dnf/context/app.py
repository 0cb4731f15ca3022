from fastapi import FastAPI

from models import Item

app = FastAPI()


@app.get("/items")
def items() -> list[Item]:
    return []
