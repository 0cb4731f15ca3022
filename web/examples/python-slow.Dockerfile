# A typical first Dockerfile for a Python web app.
# Every code edit re-runs `pip install`: the whole project is copied
# before the dependencies are installed, so any change misses the cache.
FROM python:3.12-slim

WORKDIR /code

COPY . /code

RUN apt-get update && apt-get install -y build-essential libpq-dev

RUN pip install -r requirements.txt

ENV FLASK_APP=app.py
EXPOSE 5000

CMD ["flask", "run", "--host=0.0.0.0", "--reload"]
