"""The codebook: bundled file validates, has four languages, and a user file extends it."""

import pytest

from lowpolitics.framework.codebook import load_codebook, missing_translations
from lowpolitics.framework.errors import CodebookError


def test_bundled_codebook_has_the_framework(codebook):
    assert codebook.mechanism_codes == [
        "institutional",
        "societal",
        "education_youth",
        "discursive",
    ]
    assert set(codebook.context_kind_codes) == {"security", "political", "economic"}
    assert codebook.disrupted_statuses == {"postponed", "cancelled", "suspended", "downgraded"}
    assert set(codebook.status_codes) == {
        "planned",
        "held",
        "signed",
        "ratified",
        "in_force",
        "postponed",
        "cancelled",
        "suspended",
        "downgraded",
        "resumed",
    }
    assert codebook.frame_codes == ["integrative", "securitizing", "neutral"]
    for needed in (
        "agreement",
        "commission_meeting",
        "working_group",
        "days_of_culture",
        "theatre_concert_tour",
        "exhibition",
        "festival",
        "folk_music",
        "language_course",
        "community_exchange",
        "womens_group_exchange",
        "youth_camp",
        "summer_school",
        "student_exchange",
        "study_quota",
        "joint_research",
        "conference",
        "sports_event",
        "media_coproduction",
        "textbook_history_commission",
    ):
        assert needed in codebook.activity_type_codes
    assert codebook.severity_codes == [1, 2, 3, 4, 5]


def test_every_label_and_definition_in_four_languages(codebook):
    assert missing_translations(codebook) == []
    # Kyrgyz and Tajik texts use their own letters, so they are not Russian copies.
    ky = " ".join(m.label["ky"] + m.definition["ky"] for m in codebook.mechanisms)
    tg = " ".join(m.label["tg"] + m.definition["tg"] for m in codebook.mechanisms)
    assert any(ch in ky for ch in "өүң")
    assert any(ch in tg for ch in "ӣӯҳҷқғ")


def test_activity_types_grouped_under_families(codebook):
    families = {a.family for a in codebook.activity_types}
    assert families - {None} == set(codebook.mechanism_codes)
    assert codebook.entry("activity_types", "youth_camp").family == "education_youth"
    assert codebook.actor_group_of("university") == "academic"


def test_label_lookup_falls_back(codebook):
    assert codebook.label("statuses", "cancelled", "ru")
    assert codebook.label("statuses", "no_such_code", "ru") == "no_such_code"


def test_user_file_extends_and_overrides(tmp_path):
    extension = tmp_path / "mine.yaml"
    extension.write_text(
        """
version: "ngo-1"
activity_types:
  - code: handicraft_fair
    family: societal
    label: {en: Handicraft fair, ru: Ярмарка ремёсел}
statuses:
  - code: held
    disrupted: false
    label: {en: Took place}
""",
        encoding="utf-8",
    )
    codebook = load_codebook(extension)
    assert "handicraft_fair" in codebook.activity_type_codes
    assert codebook.label("statuses", "held") == "Took place"
    assert codebook.version.endswith("+ngo-1")
    assert "festival" in codebook.activity_type_codes  # bundled entries stay


@pytest.mark.parametrize(
    "text, message",
    [
        ("activity_types:\n  - code: x\n    family: nonsense\n    label: {en: X}\n", "family"),
        ("statuses: not-a-list\n", "must be a list"),
        ("colours: []\n", "unknown section"),
        ("frames:\n  - label: {en: no code}\n", "needs a 'code'"),
        ("frames: [\n", "not valid YAML"),
        ("frames:\n  - code: Bad Code\n    label: {en: x}\n", "lower-case"),
    ],
)
def test_bad_user_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as info:
        load_codebook(path)
    assert "bad.yaml" in str(info.value)


def test_missing_user_file(tmp_path):
    with pytest.raises(CodebookError, match="cannot read"):
        load_codebook(tmp_path / "absent.yaml")


def test_cli_prints_codebook_in_russian(cli):
    result = cli("codebook", "--lang", "ru")
    assert result.code == 0
    assert "Отменено" in result.out or "отмен" in result.out.lower()
    assert cli("codebook", "--lang", "xx").code == 2
