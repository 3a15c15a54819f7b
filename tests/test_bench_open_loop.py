"""The open-loop API bench's arithmetic (bench/api_open_loop.py): send schedules at a given
rate and nearest-rank percentiles, on known answers. No timing is measured here."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from api_open_loop import (  # noqa: E402
    Run,
    achieved_rate,
    arrival_offsets,
    count_late,
    percentile,
    saturated,
)


def test_uniform_arrivals_are_evenly_spaced_at_the_rate():
    assert arrival_offsets(10, 1, "uniform") == pytest.approx([i / 10 for i in range(10)])
    offsets = arrival_offsets(200, 12, "uniform")
    assert len(offsets) == 2400 and offsets[0] == 0
    assert offsets[-1] == pytest.approx(11.995)
    gaps = {round(b - a, 9) for a, b in zip(offsets, offsets[1:], strict=False)}
    assert gaps == {0.005}


def test_poisson_arrivals_offer_exactly_the_rate_with_exponential_gaps():
    offsets = arrival_offsets(200, 12, "poisson", random.Random(3))
    assert len(offsets) == 2400  # exactly rate × seconds: the offered load is the rate
    assert offsets == sorted(offsets) and offsets[0] >= 0 and offsets[-1] < 12
    gaps = [b - a for a, b in zip(offsets, offsets[1:], strict=False)]
    mean = sum(gaps) / len(gaps)
    assert mean == pytest.approx(1 / 200, rel=0.05)
    # exponential gaps: about e^-1 of them longer than the mean, bursts far shorter
    assert sum(g > mean for g in gaps) / len(gaps) == pytest.approx(0.368, abs=0.03)
    assert min(gaps) < mean / 50
    # the same seed, the same schedule; another seed, another
    assert offsets == arrival_offsets(200, 12, "poisson", random.Random(3))
    assert offsets != arrival_offsets(200, 12, "poisson", random.Random(4))


def test_arrivals_refuse_nonsense():
    with pytest.raises(ValueError):
        arrival_offsets(0, 10)
    with pytest.raises(ValueError):
        arrival_offsets(10, 1, "bursty")


def test_percentile_nearest_rank_known_answers():
    hundred = [float(v) for v in range(100, 0, -1)]  # 100 … 1, unsorted on purpose
    assert percentile(hundred, 50) == 50
    assert percentile(hundred, 90) == 90
    assert percentile(hundred, 99) == 99
    assert percentile(hundred, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 50) == 2
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2  # nearest rank: no interpolation
    assert percentile([5.0], 99) == 5
    # one slow request in a hundred is the p99; two in a thousand are above the p99
    assert percentile([1.0] * 99 + [500.0], 99) == 1
    assert percentile([1.0] * 98 + [500.0] * 2, 99) == 500
    assert percentile([], 50) != percentile([], 50)  # NaN
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_late_launches_and_achieved_rate():
    assert count_late([0.0, 0.004, 0.005, 0.0051, 0.2]) == 2  # strictly more than 5 ms
    assert achieved_rate(2400, 12, 11.99) == 200  # kept up: the planned window
    assert achieved_rate(2400, 12, 16.0) == 150  # fell behind: the launches took 16 s
    assert achieved_rate(0, 12, 0) == 0


def test_run_figures_count_every_request_errors_included():
    run = Run("GET /x", 100, 1.0, latencies_ms=[float(v) for v in range(1, 101)])
    run.lateness = [0.001] * 98 + [0.006, 0.5]
    run.errors = {"HTTP 500": 2, "ReadTimeout": 1}
    figures = run.figures()
    assert (figures["p50"], figures["p90"], figures["p99"], figures["max"]) == (50, 90, 99, 100)
    assert figures["late"] == 2 and figures["achieved"] == 100
    assert run.error_count == 3


def test_an_endpoint_failing_over_5_per_cent_is_saturated():
    run = Run("GET /x", 100, 1.0, latencies_ms=[1.0] * 100)
    run.errors = {"ReadTimeout": 5}
    assert not saturated(run)
    run.errors = {"ReadTimeout": 5, "HTTP 503": 1}
    assert saturated(run)


def test_the_raw_client_reads_status_length_and_keep_alive():
    from api_open_loop import parse_head

    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n"
    assert parse_head(head) == (200, 11, True)
    closing = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
    assert parse_head(closing) == (503, 0, False)
    assert parse_head(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n") == (200, None, True)


def test_the_raw_client_reuses_a_kept_connection():
    import asyncio

    from api_open_loop import RawClient

    async def scenario() -> tuple[list[int], int, list[bytes]]:
        connections, heads = [], []

        async def answer(reader, writer):
            connections.append(writer)
            while True:
                try:
                    heads.append(await reader.readuntil(b"\r\n\r\n"))
                except asyncio.IncompleteReadError:
                    break
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = RawClient(f"http://127.0.0.1:{port}", {"Authorization": "Bearer x"}, 5)
        statuses = [await client.get("/healthz"), await client.get("/api/v1/me")]
        await client.aclose()
        server.close()
        return statuses, len(connections), heads

    statuses, opened, heads = asyncio.run(scenario())
    assert statuses == [200, 200] and opened == 1
    assert heads[1].startswith(b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nAuthorization: Bearer x\r\n" in heads[0]
