"""`train --from-db`: the sentences people coded in the app train the model (a machine's
codings never do), pooled per sentence; the model file carries a card saying what it learnt
from."""

import json

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, framework_codes
from lowpolitics.store.db import session_scope
from lowpolitics.store.training_examples import human_examples

TEXT = (
    "Фестиваль дружбы прошёл в Баткене. "  # 0–34
    "Пограничники открыли огонь у Ворух. "  # 35–71
    "Министры обсудили делимитацию границы."  # 72–
)


def _coded(engine) -> None:
    codebook = load_codebook()
    with session_scope(engine) as session:
        codes = framework_codes(session, codebook)
        doc, _ = add_document(session, TEXT, DocumentMeta(key="d1", title="One", language="ru"))
        add_coding(session, doc, codes["societal"], 0, 9, "alice")  # a word: the sentence
        add_coding(session, doc, codes["integrative"], 10, 17, "alice")
        add_coding(session, doc, codes["societal"], 0, 33, "bob")
        add_coding(session, doc, codes["security"], 35, 47, "alice")
        add_coding(session, doc, codes["neutral"], 35, 70, "alice")
        add_coding(session, doc, codes["political"], 72, 80, "alice")  # a tie: 1 political,
        add_coding(session, doc, codes["institutional"], 72, 80, "bob")  # 1 institutional
        add_coding(session, doc, codes["security"], 72, 80, "auto:lexicon")  # never counts


def test_people_codings_become_labelled_sentences(engine):
    _coded(engine)
    with session_scope(engine) as session:
        examples = human_examples(session, load_codebook())
    got = {e.text: (e.mechanism, e.frame) for e in examples}
    assert got == {
        "Фестиваль дружбы прошёл в Баткене.": ("societal", "integrative"),
        "Пограничники открыли огонь у Ворух.": ("security", "neutral"),
    }  # the third sentence: a tie between two people, and the machine does not vote
    assert {e.group for e in examples} == {"db:d1"} and all(e.lang == "ru" for e in examples)


def test_cli_train_from_db_writes_a_model_with_its_card(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "init").code == 0
    from lowpolitics.store.db import make_engine

    engine = make_engine(db)
    _coded(engine)
    engine.dispose()
    gold = tmp_path / "gold.jsonl"
    lines = []
    for i in range(12):
        mechanism, frame = [("societal", "integrative"), ("security", "securitizing")][i % 2]
        text = ["Праздник Навруз в Исфаре собрал соседей.", "В Ворухе стреляли, есть раненые."][
            i % 2
        ]
        lines.append(
            json.dumps(
                {"id": f"g{i}", "text": f"{text} ({i})", "lang": "ru", "mechanism": mechanism,
                 "frame": frame, "status": "n/a", "fact": f"f{i}"},
                ensure_ascii=False,
            )
        )  # fmt: skip
    gold.write_text("\n".join(lines), encoding="utf-8")
    model = tmp_path / "m.json"
    result = cli("--db", db, "train", "--gold", gold, "--from-db", "--out", model)
    assert result.code == 0, result.err
    assert "database: people's codings: 2" in result.out
    card = json.loads(model.read_text(encoding="utf-8"))["card"]
    assert card["data"]["texts"] == 14
    assert card["data"]["sources"]["database: people's codings"] == 2
    assert card["options"]["status_threshold"] == 0.4 and card["trained_at"]
    assert "macro_f1" in card["cross_validation"]
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert cli("--db", empty, "init").code == 0
    failed = cli("--db", empty, "train", "--gold", gold, "--from-db", "--out", model)
    assert failed.code != 0 and "no sentence in the database" in failed.err
