"""Training examples from the coders' work in the app: the sentences people coded with a
mechanism, context kind or frame become labelled texts for ``lowpolitics train --from-db``.

What counts: codings by people only — a machine's codings (coder ``auto:…``) never train the
machine. The unit is the sentence (or the sentences) a coding's span covers, so a coder who
marks three words of a sentence with "securitizing" labels that sentence's frame. Codings of one
unit are pooled per code group: the code most coders gave wins; a tie leaves that task
unlabelled for the unit (it neither trains nor scores it). All sentences of one document share
a cross-validation group, so a document never sits on both sides of a split.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.store.models import Code, Coding, Document
from lowpolitics.text.gold import GoldText
from lowpolitics.text.segment import sentences


def _unit(spans: list, start: int, end: int) -> tuple[int, int]:
    """The smallest run of sentences covering ``start``–``end``."""
    covering = [s for s in spans if s.start < end and start < s.end]
    if not covering:
        return start, end
    return covering[0].start, covering[-1].end


def human_examples(session: Session, codebook: Codebook) -> list[GoldText]:
    """Labelled sentences from people's codings with framework codes, one per coded unit."""
    groups = {code: "mechanism" for code in codebook.classifier_mechanisms}
    groups.update({code: "frame" for code in codebook.frame_codes})
    rows = session.execute(
        select(Coding.document_id, Coding.start, Coding.end, Coding.coder, Code.name)
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.automatic.is_(False), Code.name.in_(list(groups)))
        .order_by(Coding.document_id, Coding.start)
    ).all()
    by_document: dict[int, list] = defaultdict(list)
    for row in rows:
        by_document[row.document_id].append(row)
    examples: list[GoldText] = []
    for document_id, codings in by_document.items():
        document = session.get(Document, document_id)
        spans = sentences(document.text, document.language)
        votes: dict[tuple[int, int], dict[str, Counter]] = defaultdict(
            lambda: {"mechanism": Counter(), "frame": Counter()}
        )
        for c in codings:
            votes[_unit(spans, c.start, c.end)][groups[c.name]][c.name] += 1
        for (start, end), tally in sorted(votes.items()):
            labels = {}
            for task, counter in tally.items():
                ranked = counter.most_common(2)
                if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                    labels[task] = ranked[0][0]
            if not labels:
                continue
            text = document.text[start:end].strip()
            if not text:
                continue
            examples.append(
                GoldText(
                    id=f"db:{document.key}:{start}-{end}",
                    text=text,
                    lang=document.language,
                    mechanism=labels.get("mechanism"),
                    frame=labels.get("frame"),
                    status=None,
                    date=None,
                    line=0,
                    group=f"db:{document.key}",
                )
            )
    return examples
