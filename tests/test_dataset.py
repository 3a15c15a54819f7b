"""The bundled dataset: valid in its own documented formats, sourced, and big enough."""

import csv
from collections import Counter
from importlib import resources

import pytest

from lowpolitics.ingest.actors import parse_actors
from lowpolitics.ingest.context import parse_context
from lowpolitics.ingest.registry import parse_registry


@pytest.fixture(scope="module")
def files():
    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    with resources.as_file(folder) as path:
        yield path


def test_registry_is_valid_and_sourced(files, codebook, gazetteer):
    parsed = parse_registry(files / "registry.csv", codebook, gazetteer)
    assert parsed.ok, parsed.all_errors[:5]
    assert all(r.source_urls for r in parsed.records)
    mechanisms = Counter(r.mechanism for r in parsed.records)
    assert mechanisms["societal"] + mechanisms["education_youth"] >= 40
    assert set(mechanisms) == set(codebook.mechanism_codes)


def test_context_is_valid_and_sourced(files, codebook, gazetteer):
    parsed = parse_context(files / "context.csv", codebook, gazetteer)
    assert parsed.ok, parsed.all_errors[:5]
    assert all(r.source_urls for r in parsed.records)
    periods = [r for r in parsed.records if r.kind == "tension_period"]
    years = {p.date.year for p in periods}
    assert {2014, 2019, 2021, 2022} <= years
    assert all(p.end_date is not None and p.date.precision == "day" for p in periods)


def test_at_least_150_rows(files, codebook, gazetteer):
    registry = parse_registry(files / "registry.csv", codebook, gazetteer)
    context = parse_context(files / "context.csv", codebook, gazetteer)
    assert len(registry.records) + len(context.records) >= 150


def test_every_registry_actor_is_described(files, codebook, gazetteer):
    registry = parse_registry(files / "registry.csv", codebook, gazetteer)
    actors = parse_actors(files / "actors.csv", codebook)
    assert actors.ok, actors.all_errors[:5]
    described = {(a.name, a.country) for a in actors.records}
    named = {actor for r in registry.records for actor in r.actors}
    assert named <= described
    assert all(a.type for a in actors.records)


def test_dates_are_not_made_up(files):
    with (files / "registry.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    precisions = Counter(len(r["date"]) for r in rows)
    assert precisions[4] > 0  # year-only rows stay year-only
