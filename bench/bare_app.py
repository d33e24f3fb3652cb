"""A bare FastAPI "hello" app: the ceiling `http_load.py` measures RoomiAI's endpoints against, in the same run."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict:
    return {"hello": "world"}
