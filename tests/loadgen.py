"""Writers for load tests, run in processes of their own: their threads would otherwise
share the measuring process's interpreter lock and slow the answers it times."""

from __future__ import annotations

import itertools
import os
import threading
import time

import requests


def write(jobs: list[dict], stop, results) -> None:
    """One thread per job, each POSTing job["url"] until stop is set; put the answers on
    results as (kind, status, started, ended). A job's "unique" field gets a new number
    each time, so that no two posts are the same comment."""
    numbers = itertools.count()
    answers: list[tuple] = []

    def loop(job: dict) -> None:
        while not stop.is_set():
            data = dict(job["data"])
            if job.get("unique"):
                data[job["unique"]] += f" Number {next(numbers)} of {os.getpid()}."
            started = time.monotonic()
            try:
                status = requests.post(
                    job["url"],
                    data,
                    headers={"Sec-Fetch-Site": "same-origin"},
                    timeout=10,
                    allow_redirects=False,
                ).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            answers.append((job["kind"], status, started, time.monotonic()))

    threads = [threading.Thread(target=loop, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(answers)


def timed(results: list, kind: str, call) -> None:
    """Make one request and append (kind, status or the error's name, started, ended)."""
    started = time.monotonic()
    try:
        status = call().status_code
    except requests.RequestException as error:
        status = type(error).__name__
    results.append((kind, status, started, time.monotonic()))
