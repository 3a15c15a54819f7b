"""The interface in four languages: complete catalogues, the switcher, locale formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from lowpolitics.framework.i18n import catalogue
from lowpolitics.web.i18n import Formatter

SRC = Path(__file__).parent.parent / "src" / "lowpolitics"
METHODS = [("**.py", "python"), ("**/templates/**.j2", "jinja2.ext:babel_extract")]


@pytest.fixture(scope="module")
def messages() -> set[str]:
    return {m[2] for m in extract_from_dir(str(SRC), method_map=METHODS) if isinstance(m[2], str)}


@pytest.mark.parametrize("lang", ["ru", "ky", "tg"])
def test_every_interface_message_is_translated(messages, lang):
    table = catalogue(lang)
    missing = sorted(m for m in messages if not table.get(m))
    assert not missing, f"{len(missing)} messages without a {lang} translation: {missing[:10]}"


def test_kyrgyz_and_tajik_use_their_own_letters():
    # a catalogue filled by copying the other language would show the other's letters
    ky, tg = " ".join(catalogue("ky").values()), " ".join(catalogue("tg").values())
    assert any(c in ky for c in "өүң") and not any(c in ky for c in "ғӣқӯҳҷ")
    assert any(c in tg for c in "ғӣқӯҳҷ") and not any(c in tg for c in "өүң")


def test_switcher_remembers_the_language(web):
    client = web.client("viewer")
    response = client.get("/lang/ky?next=/activities", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/activities"
    page = client.get("/activities")
    assert '<html lang="ky">' in page.text
    assert catalogue("ky")["Activities"] in page.text
    offsite = client.get("/lang/xx?next=https://evil.example", follow_redirects=False)
    assert offsite.headers["location"] == "/"


def test_browser_language_is_the_default(web):
    client = web.client("viewer")
    client.cookies.delete("lp_lang")
    page = client.get("/activities", headers={"Accept-Language": "tg-TJ,tg;q=0.9,ru;q=0.5"})
    assert '<html lang="tg">' in page.text and catalogue("tg")["Activities"] in page.text


def test_dates_and_numbers_follow_the_reader():
    assert Formatter("en").partial("2023-05") == "May 2023"
    assert Formatter("ru").partial("2023-05-17") == "17 мая 2023\u202fг."
    assert Formatter("ky").partial("2023-05-17") == "2023-ж., 17-май"
    assert Formatter("tg").partial("2023") == "2023"
    assert Formatter("en").number(12345) == "12,345"
    assert Formatter("ru").number(12345) == "12\xa0345"
    assert Formatter("ru").percent(0.256).startswith("26")
