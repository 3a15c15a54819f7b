"""The lexicon coder: inflected hits with exact offsets, whole tokens only, the frame rule."""

from __future__ import annotations

import pytest

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.text.lexicon import (
    NEUTRAL,
    NO_MECHANISM,
    CodingResult,
    Evidence,
    LexiconCoder,
    bundled_lexicon,
    code_text,
    default_coder,
)
from lowpolitics.text.stemming import stem_sequence

LANGS = ("en", "ru", "ky", "tg")


def _hits(text: str, lang: str) -> set[tuple[str, str]]:
    return {(e.code, text[e.start : e.end]) for e in code_text(text, lang).evidence}


def _evidence_at(text: str, lang: str, words: str) -> list[Evidence]:
    """The evidence whose span is exactly the first occurrence of ``words`` in ``text``."""
    start = text.index(words)
    return [
        e for e in code_text(text, lang).evidence if (e.start, e.end) == (start, start + len(words))
    ]


# --- inflected forms are found, with exact code-point offsets --------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "words", "code"),
    [
        ("ru", "Стороны подписали соглашения о сотрудничестве.", "соглашения о сотрудничестве",
         "institutional"),
        ("ru", "Заседание межправительственной комиссии прошло в Бишкеке.",
         "межправительственной комиссии", "institutional"),
        ("ru", "В Исфаре прошли фестивали народной музыки.", "народной музыки", "societal"),
        ("ky", "Баткенде фестивалында аялдар тобу ырдады.", "фестивалында", "societal"),
        ("ky", "Баткенде фестивалында аялдар тобу ырдады.", "аялдар тобу", "societal"),
        ("ky", "Чек ара айылдарынын жаштары келди.", "Чек ара айылдарынын", "societal"),
        ("ky", "Маданият министрлигинин өкүлү сүйлөдү.", "Маданият министрлигинин",
         "institutional"),
        ("tg", "Ҷашнвораҳои мусиқӣ дар деҳаҳои сарҳадӣ гузаштанд.", "деҳаҳои сарҳадӣ",
         "societal"),
        ("tg", "Ҳамкориҳои фарҳангӣ идома доранд.", "Ҳамкориҳои фарҳангӣ", "institutional"),
        ("tg", "Сарҳадбонон тирпарронии навро гузориш доданд.", "тирпарронии", "security"),
        ("en", "Both sides held festivals in the border villages.", "festivals", "societal"),
        ("en", "The Intergovernmental Commissions met.", "Intergovernmental Commissions",
         "institutional"),
    ],
)  # fmt: skip
def test_inflected_terms_are_found_with_exact_offsets(
    lang: str, text: str, words: str, code: str
) -> None:
    found = _evidence_at(text, lang, words)
    assert code in {e.code for e in found}, code_text(text, lang).evidence


def test_evidence_offsets_slice_the_matched_words() -> None:
    text = "🙂 Пограничники открыли огонь; МИД обвинил соседей в агрессии."
    result = code_text(text, "ru")
    assert result.evidence
    for item in result.evidence:
        sliced = text[item.start : item.end]
        assert stem_sequence(sliced, "ru") == stem_sequence(item.term, "ru")
    assert ("securitizing", "агрессии") in _hits(text, "ru")


# --- whole tokens only -----------------------------------------------------------------------
def test_no_match_inside_a_longer_word() -> None:
    coder = LexiconCoder({"version": "t", "codes": {"place": {"ru": ["Ош"], "ky": ["Ош"]}}})
    text = "Хорошо прошли дни культуры; в Ош приехали гости."
    result = coder.code(text, "ru")
    assert [(e.code, text[e.start : e.end]) for e in result.evidence] == [("place", "Ош")]
    assert coder.code("Концерт прошёл хорошо.", "ru").evidence == []
    assert coder.code("Кошуналар жолукту.", "ky").evidence == []


def test_english_term_does_not_match_inside_words() -> None:
    coder = LexiconCoder({"codes": {"x": {"en": ["art"]}}})
    assert coder.code("They start the party at the partner's.", "en").evidence == []
    assert len(coder.code("Folk art and arts.", "en").evidence) == 2


def test_a_phrase_needs_adjacent_tokens_in_order() -> None:
    coder = LexiconCoder({"codes": {"i": {"ru": ["дни культуры"]}}})
    assert coder.code("Дни кыргызской культуры", "ru").evidence == []
    assert coder.code("культуры дни", "ru").evidence == []
    assert len(coder.code("Дни культуры, дни культуры!", "ru").evidence) == 2


def test_a_term_inside_a_longer_hit_of_its_code_counts_once() -> None:
    coder = LexiconCoder(
        {"lexicon": {"codes": {"a": {"ru": ["комиссия", "межправительственная комиссия"]}}}}
    )
    text = "Межправительственная комиссия и ещё одна комиссия."
    result = coder.code(text, "ru")
    assert [text[e.start : e.end] for e in result.evidence] == [
        "Межправительственная комиссия",
        "комиссия",
    ]
    assert result.scores == {"a": 2.0}


# --- frames and mechanisms -------------------------------------------------------------------
SECURITIZING = {
    "ru": "МИД обвинил соседей в агрессии и назвал захват участка провокацией и угрозой.",
    "ky": "Тажик тарабы агрессия жасап, чек араны бузуп кол салды, бул коркунуч деп айыптады.",
    "tg": "Тарафи дигар таҷовуз кард; ин иғвогариро таҳдиди ҷиддӣ номида, онҳоро айбдор карданд.",
    "en": "Officials accused the other side of aggression and called the seizure a provocation.",
}
INTEGRATIVE = {
    "ru": "Президенты говорили о дружбе братских народов, общей истории и добрососедстве.",
    "ky": "Эки эл бир тууган, ортоктош тарыхыбыз жана достугубуз бекем.",
    "tg": "Дӯстии халқҳои бародар ва таърихи муштарак асоси ҳамсоягии нек аст.",
    "en": "Leaders praised the friendship of brotherly peoples and their shared history.",
}
NOTHING = {
    "ru": "Погода была тёплой, и все прошли мимо.",
    "ky": "Бүгүн күн ачык болот.",
    "tg": "Имрӯз ҳаво гарм аст.",
    "en": "The weather was warm and sunny.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_securitizing_sentence(lang: str) -> None:
    assert code_text(SECURITIZING[lang], lang).best("frame") == "securitizing"


@pytest.mark.parametrize("lang", LANGS)
def test_integrative_sentence(lang: str) -> None:
    assert code_text(INTEGRATIVE[lang], lang).frame == "integrative"


@pytest.mark.parametrize("lang", LANGS)
def test_text_without_terms_is_none_and_neutral(lang: str) -> None:
    result = code_text(NOTHING[lang], lang)
    assert result.evidence == []
    assert result.best("mechanism") == NO_MECHANISM
    assert result.best("frame") == NEUTRAL


@pytest.mark.parametrize(
    ("lang", "text", "mechanism"),
    [
        ("ru", "Министр культуры и межправительственная комиссия обсудили Дни культуры.",
         "institutional"),
        ("ky", "Фестивалда чек ара айылдарынын аялдар тобу ырдады.", "societal"),
        ("tg", "Донишҷӯёни донишгоҳҳо дар конфронси илмӣ ширкат карданд.", "education_youth"),
        ("en", "Border guards reported shooting and two wounded.", "security"),
    ],
)  # fmt: skip
def test_mechanism_group(lang: str, text: str, mechanism: str) -> None:
    assert code_text(text, lang).mechanism == mechanism


def test_frame_tie_is_neutral() -> None:
    result = code_text("Дружба — это хорошо, но угроза остаётся.", "ru")
    assert result.scores["integrative"] == result.scores["securitizing"] == 1.0
    assert result.frame == NEUTRAL


def test_mechanism_tie_goes_to_the_first_code_in_the_codebook() -> None:
    result = CodingResult("ru", scores={"security": 2.0, "societal": 2.0})
    assert result.mechanism == "societal"


def test_unknown_group_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown group"):
        CodingResult("ru").best("status")


def test_empty_text_and_language_without_terms() -> None:
    assert code_text("", "ru").evidence == []
    assert code_text("Фестиваль", "uz").best("mechanism") == NO_MECHANISM


# --- the bundled lexicon ---------------------------------------------------------------------
def test_bundled_lexicon_covers_every_code_and_language() -> None:
    codebook = load_codebook()
    expected = {
        *codebook.mechanism_codes,
        *codebook.context_kind_codes,
        *(c for c in codebook.frame_codes if c != NEUTRAL),
    }
    codes = bundled_lexicon()["codes"]
    assert set(codes) == expected
    for code, by_lang in codes.items():
        for lang in LANGS:
            terms = by_lang[lang]
            assert 15 <= len(terms) <= 60, (code, lang, len(terms))  # a list, not a dictionary
            assert len(set(terms)) == len(terms), (code, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_no_stem_key_belongs_to_two_codes(lang: str) -> None:
    owners: dict[str, set[str]] = {}
    for code, terms in default_coder().terms(lang).items():
        for term in terms:
            owners.setdefault(" ".join(stem_sequence(term, lang)), set()).add(code)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_automata_are_built_once_per_language() -> None:
    coder = default_coder()
    coder.code("фестиваль", "ru")
    first = coder._automaton("ru")
    coder.code("фестивали", "ru")
    assert coder._automaton("ru") is first


def test_coders_over_the_same_lexicon_share_their_automata() -> None:
    lexicon = {"codes": {"a": {"en": ["festival"]}}}
    first, second = LexiconCoder(lexicon), LexiconCoder(dict(lexicon))
    first.code("festivals", "en")
    assert second._automaton("en") is first._automaton("en")
    assert LexiconCoder({"codes": {"a": {"en": ["concert"]}}}).code("festival", "en").scores == {}


def test_names_and_reporting_words_are_not_evidence() -> None:
    """A frame word inside a name is no frame; reporting words and "border" alone code nothing."""
    cases = [
        ("ky", 'Келишимге "Ынтымак" сарайында кол коюлду.', "neutral"),
        ("ky", "Келишимге Ынтымак сарайында кол коюлду.", "neutral"),
        ("ru", "Фестиваль «Дружба» прошёл в Баткене.", "neutral"),
        ("en", "The Friendship festival took place in Osh.", "neutral"),
        ("ky", "Ынтымак жана достук маанилүү.", "integrative"),
        # a long quotation is somebody's words, and frames
        ("ru", "Он заявил: «Мы никогда не допустим агрессии против нашей страны».", "securitizing"),
    ]
    for lang, text, frame in cases:
        assert code_text(text, lang).frame == frame, text
    assert code_text("Министр сделал заявление.", "ru").scores.get("discursive") is None
    assert code_text("Хадамоти матбуотии вазорат хабар дод.", "tg").scores == {}
    assert code_text("Граница", "ru").scores.get("security") is None
    political = code_text("Вазири умури хориҷӣ бо ҳамтояш музокирот гузаронд.", "tg")
    assert political.mechanism == "political"


def test_who_reported_is_no_media_evidence() -> None:
    """The outlet or news agency a report cites, journalists spoken to and the press of a press
    service are not what a text is about; media that are the subject still are."""
    sources = [
        ("en", "The ministers agreed on a new road, Kabar news agency reported."),
        ("en", "The governor told journalists the border was calm."),
        ("en", "The president's press service said the visit went well."),
        ("ru", "Министры договорились о дороге, сообщает информационное агентство «Кабар»."),
        ("ru", "Губернатор заявил журналистам, что обстановка спокойная."),
        ("ky", "Министрлер жол боюнча макулдашты, деп кабарлады маалымат агенттиги."),
        ("ky", "Губернатор журналисттерге абал тынч экенин билдирди."),
        ("tg", "Вазирон дар бораи роҳ мувофиқа карданд, хабар медиҳад агентии иттилоотӣ."),
        ("tg", "Раиси вилоят ба хабарнигорон гуфт, ки вазъ ором аст."),
    ]
    for lang, text in sources:
        assert code_text(text, lang).scores.get("discursive") is None, text
    assert code_text("He said at a press conference.", "en").scores == {}
    subjects = [
        ("en", "Journalists from both countries made a joint documentary."),
        ("en", "Kabar and Khovar news agencies signed a memorandum on exchanging news."),
        ("ru", "Информационные агентства двух стран подписали меморандум."),
        ("ky", "Эки өлкөнүн журналисттери биргелешкен тасма тартышты."),
        ("tg", "Нашрияҳои ду кишвар дар бораи ҳамдигар мақолаҳо чоп карданд."),
    ]
    for lang, text in subjects:
        assert code_text(text, lang).scores.get("discursive"), text
