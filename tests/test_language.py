"""Spec 7.3, language: names in several languages, ``export --lang en|uk``, and the message
catalogues.

Both directions: every output rendered in Ukrainian holds no English fixed word (a list made
from the catalogue's own English messages), and English output is byte for byte what a data
folder of plain names gives (the format before names had languages)."""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import re
import shutil
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from icalendar import Calendar
from pypdf import PdfReader
from typer.testing import CliRunner

from datafactory import ALPHA, BETA, tiny, tiny_session, write_data
from trafficplan import i18n
from trafficplan.cli import app
from trafficplan.exports import build_export
from trafficplan.i18n.data import localized_data
from trafficplan.inputs import load_data
from trafficplan.inputs.attendance_xlsx import read_workbook_rows
from trafficplan.inputs.models import Region
from trafficplan.inputs.names import DistrictId, LocalText
from trafficplan.inputs.problem import COST_COMPONENTS, ProblemData
from trafficplan.plan import Plan, PlanSession, write_plan

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data"
STAMP = datetime(2008, 7, 1, tzinfo=UTC)


# ----- names in several languages ---------------------------------------------------------------
def region(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "khmelnytskyi",
        "name": "Khmelnytskyi",
        "centre": {"city": "Khmelnytskyi", "lat": 49.4, "lon": 26.9},
        "districts": ["shepetivka"],
    }
    raw.update(changes)
    return raw


def test_a_name_is_a_string_or_a_mapping_whose_first_entry_is_the_default() -> None:
    plain = Region.model_validate(region())
    assert type(plain.name) is str and plain.name == "Khmelnytskyi"
    both = Region.model_validate(region(name={"uk": "Хмельницька область", "en": "Khmelnytskyi"}))
    assert isinstance(both.name, LocalText)
    assert both.name == "Хмельницька область"  # the first entry
    assert both.name.in_language("en") == "Khmelnytskyi"
    assert both.name.in_language("da") == "Хмельницька область"  # none in Danish: the default
    # worker processes get the data pickled: every form survives
    assert pickle.loads(pickle.dumps(both)).name.forms == both.name.forms


def test_a_district_may_gain_a_display_name_and_keeps_its_slug_as_id() -> None:
    parsed = Region.model_validate(
        region(
            districts=[
                "shepetivka",
                {"id": "kamianets-podilskyi", "name": {"en": "Kamianets", "uk": "Камʼянець"}},
            ]
        )
    )
    assert parsed.districts == ["shepetivka", "kamianets-podilskyi"]
    district = parsed.districts[1]
    assert isinstance(district, DistrictId)
    assert isinstance(district.display, LocalText)
    assert district.display.in_language("uk") == "Камʼянець"


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        ({"name": {"xx1": "X"}}, "regions[0].name", "'xx1' is not a language code"),
        ({"name": {"zz": "X"}}, "regions[0].name", "'zz' is not a language code"),
        ({"name": {"en": "X", "uk": "  "}}, "regions[0].name", "uk: the name is empty"),
        ({"name": {}}, "regions[0].name", "must not be empty"),
        ({"name": {"en": 5}}, "regions[0].name", "en: expected text"),
        ({"centre": {"city": {"en": ""}, "lat": 1, "lon": 2}}, "city", "en: the name is empty"),
        ({"districts": [{"id": "Bad"}]}, "regions[0].districts[0]", "expected a slug"),
        ({"districts": [{"id": "a", "nme": "A"}]}, "regions[0].districts[0]", "unknown key 'nme'"),
    ],
)
def test_a_wrong_name_is_a_data_error_naming_file_and_key(
    tmp_path: Path, change: dict[str, Any], place: str, message: str
) -> None:
    data = tiny()
    data["regions"]["regions"][0].update(change)
    folder = write_data(tmp_path / "data", data)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert "regions.yaml" in lines[0] and place.split(".")[-1].split("[")[0] in lines[0]
    assert "Traceback" not in result.output


# ----- catalogues -------------------------------------------------------------------------------
@functools.cache
def marked_messages() -> dict[tuple[str | None, str], Any]:
    """Every message the code and the report's template mark, as ``pybabel extract -F
    babel.cfg -k N_`` finds them."""
    method_map = [
        ("src/trafficplan/**.py", "python"),
        ("src/trafficplan/report/templates/**.j2", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    keywords["N_"] = None
    found: dict[tuple[str | None, str], Any] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        key = message[0] if isinstance(message, tuple) else message
        found[(context, key)] = message
    return found


def catalogue(path: Path) -> Any:
    with path.open("rb") as handle:
        return read_po(handle)


def test_babel_cfg_is_the_extraction_config_this_test_uses() -> None:
    config = (ROOT / "babel.cfg").read_text("utf-8")
    assert "[python: src/trafficplan/**.py]" in config
    assert "[jinja2: src/trafficplan/report/templates/**.j2]" in config


def test_every_marked_message_has_a_ukrainian_translation_with_its_placeholders() -> None:
    marked = marked_messages()
    assert len(marked) > 50
    uk = catalogue(ROOT / "src/trafficplan/i18n/locale/uk/LC_MESSAGES/trafficplan.po")
    assert uk.num_plurals == 3  # one, few, many
    missing = []
    for (context, key), message in marked.items():
        entry = uk.get(key, context=context)
        forms = entry.string if entry is not None else None
        translations = list(forms) if isinstance(forms, tuple | list) else [forms]
        if entry is None or entry.fuzzy or not all(translations):
            missing.append((context, key))
            continue
        wanted = set(re.findall(r"\{(\w*)\}", message[0] if isinstance(message, tuple) else key))
        for text in translations:
            assert set(re.findall(r"\{(\w*)\}", text)) == wanted, (key, text)
    assert missing == [], f"messages without a Ukrainian translation: {missing}"


def test_the_template_holds_exactly_the_marked_messages() -> None:
    template = catalogue(ROOT / "src/trafficplan/i18n/locale/trafficplan.pot")
    in_template = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in template}
    in_template.discard((None, ""))
    assert in_template == set(marked_messages()), "run pybabel extract (docs/translation.md)"


def test_plural_forms_and_dates_follow_the_ukrainian_rules() -> None:
    with i18n.use_language("uk"):
        assert i18n.long_date(date(2008, 7, 16)) == "середа, 16 липня 2008\u202fр."
        assert i18n.day_month_year(date(2008, 10, 1)) == "1 жовтня 2008\u202fр."
        assert i18n.weekday_abbreviation(date(2008, 7, 18)) == "Пт"
        closed = [
            i18n.ngettext(
                "the {count} session of region {region} was closed to them",
                "each of the {count} sessions of region {region} was closed to them",
                n,
            ).format(count=n, region="lviv")
            for n in (1, 2, 5, 11, 21, 22)
        ]
        amount = i18n.format_eur(58681.86)
    assert [text.split(" області")[0] for text in closed] == [
        "1 захід",
        "усі 2 заходи",
        "усі 5 заходів",
        "усі 11 заходів",
        "21 захід",
        "усі 22 заходи",
    ]
    assert closed[0].endswith("був для них закритий")
    assert closed[1].endswith("були для них закриті")
    assert amount == "58\u00a0681,86\u00a0€"
    assert i18n.format_eur(58681.86) == "EUR 58,681.86"  # English, as the outputs wrote it
    assert i18n.long_date(date(2008, 7, 16)) == "Wednesday, 16 July 2008"  # outside: English
    with pytest.raises(i18n.UnknownLanguageError):
        i18n.translations("xx")


# ----- the shipped data: English unchanged, Ukrainian without English -------------------------
def shipped_plan(data: ProblemData) -> Plan:
    """One session a region of the shipped data, 15 officers each (a plan to render, not to
    check: rendering does not judge the plan)."""
    sessions = []
    for index, each in enumerate(data.regions):
        officers = [o.id for o in data.officers_by_region[each.id][:15]]
        sessions.append(
            PlanSession(
                id=f"{each.id}-01",
                region=each.id,
                venue=each.venues[0].id,
                date=date(2008, 7, 16 + index),
                trainers=[data.trainers[index % len(data.trainers)].id],
                ngos=[each.ngos[0].id],
                officers=officers,
            )
        )
    return Plan(status="feasible", sessions=sessions)


def plain_names(value: Any) -> Any:
    """A data document with every name mapping replaced by its first (default) entry."""
    if isinstance(value, dict):
        if (
            value
            and all(isinstance(k, str) and len(k) == 2 for k in value)
            and all(isinstance(v, str) for v in value.values())
        ):
            return next(iter(value.values()))
        if set(value) <= {"id", "name"} and "id" in value and isinstance(value["id"], str):
            return value["id"]  # a district with a display name: its slug, as before
        return {key: plain_names(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_names(item) for item in value]
    return value


def test_shipped_data_has_ukrainian_names_and_english_first(tmp_path: Path) -> None:
    data = load_data(SHIPPED)
    names = [r.name for r in data.regions] + [t.name for t in data.trainers]
    names += [v.name for r in data.regions for v in r.venues]
    names += [n.name for r in data.regions for n in r.ngos]
    names.append(data.constraints.programme.title or "")
    assert all(isinstance(name, LocalText) for name in names)
    assert all(re.search("[А-Яа-яІіЇїЄєҐґ]", n.in_language("uk")) for n in names)  # type: ignore[attr-defined]
    assert all(next(iter(n.forms)) == "en" for n in names)  # type: ignore[attr-defined]
    uk = localized_data(data, "uk")
    assert uk.region_by_id["khmelnytskyi"].name == "Хмельницька область"
    assert uk.region_by_id["khmelnytskyi"].centre.city == "Хмельницький"


def test_english_export_is_byte_for_byte_that_of_the_same_data_with_plain_names(
    tmp_path: Path,
) -> None:
    data = load_data(SHIPPED)
    plain_folder = tmp_path / "plain"
    plain_folder.mkdir()
    for name in ("regions.yaml", "trainers.yaml", "constraints.yaml"):
        document = yaml.safe_load((SHIPPED / name).read_text("utf-8"))
        (plain_folder / name).write_text(yaml.safe_dump(plain_names(document)), "utf-8")
    shutil.copy(SHIPPED / "officers.csv", plain_folder / "officers.csv")
    plain = load_data(plain_folder)
    assert not isinstance(plain.regions[0].name, LocalText)
    plan = shipped_plan(data)

    def files(of: ProblemData, **options: Any) -> dict[str, bytes]:
        export = build_export(of, plan, tmp_path / "none", now=STAMP, xlsx=True, **options)
        return {str(f.path): f.content for f in export.files}

    before = files(plain)
    assert files(data) == before
    assert files(data, language="en") == before
    rosters = before["rosters/khmelnytskyi.csv"].decode("utf-8-sig").splitlines()
    assert rosters[0].startswith("session_id,date,venue,officer_id,officer_name,district,weekday")
    assert ",Wed," in rosters[1]


BEFORE_LANGUAGES = {
    "rosters/alpha.csv": "3992f062d5f578c6",
    "rosters/beta.csv": "5a758aa3b9d79321",
    "schedule.csv": "a826d24d7f2d8300",
    "unassigned.csv": "468ceafd5aa1a9ba",
    "costs.csv": "416d623c5b5466fc",
    "summary.csv": "4863b3fe48ed0779",
    "reserves.csv": "1377828cebc75f01",
    "calendars/t01.ics": "9fe819363976a26d",
    "calendars/t02.ics": "5ce32fb29621d935",
}
"""SHA-256 (first 16 hex digits) of each CSV and calendar of the English export below, as the
exports wrote them before names had languages and ``--lang`` existed."""


def test_english_export_is_what_it_was_before_languages(tmp_path: Path) -> None:
    from test_documents import cyrillic

    folder = write_data(tmp_path / "data", cyrillic(tiny()))
    plan = Plan(
        status="feasible",
        sessions=[
            tiny_session("alpha-01", 1, "t01", ALPHA[:15]),
            tiny_session("beta-01", 2, "t02", BETA[:12]),
        ],
    )
    export = build_export(
        load_data(folder), plan, tmp_path / "out", now=datetime(2009, 5, 1, tzinfo=UTC)
    )
    digests = {str(f.path): hashlib.sha256(f.content).hexdigest()[:16] for f in export.files}
    assert digests == BEFORE_LANGUAGES


@pytest.fixture(scope="module")
def ukrainian(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped data with one held session, exported in Ukrainian with every option:
    (data folder, export folder)."""
    base = tmp_path_factory.mktemp("uk")
    folder = base / "data"
    shutil.copytree(SHIPPED, folder)
    plan = shipped_plan(load_data(folder))
    held = plan.sessions[0]
    rows = [f"{held.id},{o},present" for o in held.officers[:10]]
    rows += [f"{held.id},{o},absent" for o in held.officers[10:]]
    (folder / "attendance.csv").write_text(
        "session_id,officer_id,status\n" + "\n".join(rows) + "\n", "utf-8"
    )
    plan_file = base / "plan.json"
    write_plan(plan, plan_file)
    out = base / "out"
    args = ["export", str(plan_file), "--data", str(folder), "--out", str(out)]
    result = runner.invoke(app, [*args, "--xlsx", "--pdf", "--force", "--lang", "uk"])
    assert result.exit_code == 0, result.output
    return folder, out


@functools.cache
def fixed_english_words() -> frozenset[str]:
    """The English words of every message the code marks (headers, labels, sentences), and
    the English weekday and month names: none may appear in a Ukrainian output."""
    words: set[str] = set()
    for (_context, key), message in marked_messages().items():
        texts = message if isinstance(message, tuple) else (key,)
        for text in texts:
            text = re.sub(r"\{\w*\}", " ", text)
            words.update(w.casefold() for w in re.findall(r"[A-Za-z]{3,}", text))
    words.update(w.casefold() for w in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    words.update(m.casefold() for m in ("July", "August", "September", "October"))
    return frozenset(words)


def machine_values(data: ProblemData) -> set[str]:
    """What stays as it is in every language: ids, e-mail addresses, statuses, components."""
    values = {r.id for r in data.regions} | {str(d) for r in data.regions for d in r.districts}
    values |= {v.id for r in data.regions for v in r.venues}
    values |= {n.id for r in data.regions for n in r.ngos}
    values |= {t.id for t in data.trainers} | {t.email for t in data.trainers if t.email}
    values |= {"planned", "present", "absent", "substitute", *COST_COMPONENTS}
    return values


def english_words_in(text: str, data: ProblemData) -> set[str]:
    """Fixed English words in ``text`` once machine values are taken out."""
    values = sorted(machine_values(data), key=len, reverse=True)
    pattern = "|".join(re.escape(value) for value in values)
    text = re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-])", " ", text)
    text = re.sub(r"[\w.-]+-\d+", " ", text)  # session ids (khmelnytskyi-01)
    text = re.sub(r"\b[a-z]+(?:[._][a-z]+)+\b", " ", text)  # data keys, rule ids
    found = {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", text)}
    return found & fixed_english_words()


def texts_of_export(out: Path) -> dict[str, str]:
    """The text a reader sees in every file of an export."""
    texts: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        relative = str(path.relative_to(out))
        if path.suffix == ".csv":
            texts[relative] = path.read_text("utf-8-sig")
        elif path.suffix == ".pdf":
            texts[relative] = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        elif path.suffix == ".ics":
            calendar = Calendar.from_ical(path.read_bytes())
            parts = [str(calendar.get("X-WR-CALNAME"))]
            for event in calendar.walk("VEVENT"):
                for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
                    parts.append(str(event.get(name, "")))
                contacts = event.get("CONTACT", [])
                parts += [str(c) for c in (contacts if isinstance(contacts, list) else [contacts])]
            texts[relative] = "\n".join(parts)
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            region_sheets = {r.id for r in load_data(SHIPPED).regions}
            parts = []
            for sheet in book.worksheets:
                if sheet.title not in region_sheets:  # a region's sheet is named by its id
                    parts.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    parts += [c for c in row if isinstance(c, str)]
                for rule in sheet.data_validations.dataValidation:
                    parts += [rule.promptTitle or "", rule.prompt or "", rule.error or ""]
                    parts += [rule.errorTitle or ""]
            texts[relative] = "\n".join(parts)
    return texts


def test_every_ukrainian_output_has_no_english_fixed_word(ukrainian: tuple[Path, Path]) -> None:
    folder, out = ukrainian
    data = load_data(folder)
    texts = texts_of_export(out)
    kinds = {Path(p).parts[0] if "/" in p else Path(p).suffix for p in texts}
    assert {"rosters", "sign-in", "certificates", "calendars", ".xlsx", ".csv"} <= kinds
    english = {path: english_words_in(text, data) for path, text in texts.items()}
    assert {path: words for path, words in english.items() if words} == {}
    # and the check does find English: the same export in English is full of it
    assert english_words_in(texts["rosters/khmelnytskyi.csv"].replace("Код", "Session"), data)


def test_the_ukrainian_roster_keeps_ids_iso_dates_and_statuses(
    ukrainian: tuple[Path, Path],
) -> None:
    _folder, out = ukrainian
    lines = (out / "rosters" / "khmelnytskyi.csv").read_text("utf-8-sig").splitlines()
    assert lines[0].split(",")[:4] == ["Код заходу", "Дата", "Місце (код)", "Код учасника"]
    first = lines[1]
    assert first.startswith("khmelnytskyi-01,2008-07-16,khm-police-hall,KHM-")
    assert ",Ср,10:00," in first
    assert "вул. Шевченка, 3, Хмельницький" in first
    assert first.endswith(",present")


def test_the_ukrainian_sign_in_sheet_reads_as_ukrainian(ukrainian: tuple[Path, Path]) -> None:
    _folder, out = ukrainian
    text = " ".join(
        PdfReader(out / "sign-in" / "khmelnytskyi-01.pdf").pages[0].extract_text().split()
    )
    for expected in (
        "Лист реєстрації учасників",
        "Навчальна зустріч з налагодження взаємодії",
        "середа, 16 липня 2008 р.",
        "10:00–17:00 (за київським часом)",
        "Обласне управління міліції, навчальний зал",
        "Хмельницька область",
        "Прізвище, ім'я, по батькові",
        "Сторінка 1 з 1",
    ):
        assert expected in text, expected


def test_ukrainian_certificates_agree_with_the_officer(ukrainian: tuple[Path, Path]) -> None:
    folder, out = ukrainian
    data = load_data(folder)
    pages = [
        " ".join(p.extract_text().split())
        for p in PdfReader(out / "certificates" / "khmelnytskyi.pdf").pages
    ]
    assert len(pages) == 10
    for page in pages:
        assert "Сертифікат про участь" in page and "Фінансова підтримка" in page
        name = next(o.name for o in data.officers if o.name in page)
        verb = "взяла участь" if name.endswith("вна") else "взяв участь"
        assert verb in page, (name, page)


def test_calendar_uids_are_the_same_in_every_language(
    ukrainian: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, out = ukrainian
    data = load_data(folder)
    plan = shipped_plan(data)
    english = build_export(data, plan, tmp_path, now=STAMP)
    for file in english.files:
        if file.kind != "calendar":
            continue
        ours = Calendar.from_ical(file.content)
        theirs = Calendar.from_ical((out / file.path).read_bytes())
        uids = [str(e["UID"]) for e in ours.walk("VEVENT")]
        assert uids == [str(e["UID"]) for e in theirs.walk("VEVENT")]
        summaries = [str(e["SUMMARY"]) for e in theirs.walk("VEVENT")]
        assert all(s.startswith("Тренінг: ") for s in summaries)


def test_the_ukrainian_workbook_reads_back_as_attendance(
    ukrainian: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, out = ukrainian
    book = openpyxl.load_workbook(out / "programme.xlsx")
    assert book.sheetnames[0] == "Розклад"
    assert {"Нерозподілені", "Витрати", "Підсумки"} <= set(book.sheetnames)
    sheet = book["khmelnytskyi"]
    header = [cell.value for cell in sheet[1]]
    assert "Присутність" in header and "session_id" not in header
    # the reserves beside the roster, in Ukrainian, under names the reader never takes
    assert header[-6:] == [
        "Резерв для заходу",
        "Резерв: черговість",
        "Резерв: код учасника",
        "Резерв: прізвище, ім'я, по батькові",
        "Резерв: район",
        "Резерв: поточний захід",
    ]
    assert sheet.cell(2, header.index("Дата") + 1).number_format == "dd.mm.yyyy"
    # the region fills in the sheet and sends it back
    rows, problems = read_workbook_rows(out / "programme.xlsx", "programme.xlsx")
    assert problems == []
    assert {(r.session_id, r.officer_id, r.status) for r in rows} == {
        (line.split(",")[0], line.split(",")[1], line.split(",")[2])
        for line in (folder / "attendance.csv").read_text("utf-8").splitlines()[1:]
    }
    back = tmp_path / "data"
    shutil.copytree(folder, back)
    (back / "attendance.csv").unlink()
    shutil.copy(out / "programme.xlsx", back / "attendance.xlsx")
    result = runner.invoke(app, ["validate", "--data", str(back)])
    assert result.exit_code == 0, result.output


def test_export_lang_on_the_command_line(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    plan = Plan(status="feasible", sessions=[tiny_session("alpha-01", 1, "t01", ALPHA[:15])])
    plan_file = tmp_path / "plan.json"
    write_plan(plan, plan_file)
    args = ["export", str(plan_file), "--data", str(folder), "--force", "--json"]
    default = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    english = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--lang", "en"])
    assert default.exit_code == english.exit_code == 0, default.output + english.output
    for path in (tmp_path / "a").rglob("*.csv"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    ukrainian = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--lang", "uk"])
    assert ukrainian.exit_code == 0, ukrainian.output
    document = json.loads(ukrainian.stdout)
    assert {f["path"] for f in document["files"]} == {
        f["path"] for f in json.loads(default.stdout)["files"]
    }  # the same file names in every language
    table = runner.invoke(app, [*args[:-1], "--out", str(tmp_path / "c"), "--lang", "uk"])
    assert table.exit_code == 0, table.output
    assert "unchanged, in" in table.stdout and "rosters/alpha.csv" in table.stdout  # English
    wrong = runner.invoke(app, [*args, "--out", str(tmp_path / "d"), "--lang", "xx"])
    assert wrong.exit_code == 2
    assert "Traceback" not in wrong.output


def test_dropping_a_district_with_a_display_name_drops_its_officers(tmp_path: Path) -> None:
    from trafficplan.inputs.loading import read_raw
    from trafficplan.scenarios.edits import build_scenario

    data = tiny()
    alpha = data["regions"]["regions"][0]
    alpha["districts"] = [{"id": d, "name": {"uk": f"Район {d}"}} for d in alpha["districts"]]
    folder = write_data(tmp_path / "data", data)
    dropped = alpha["districts"][0]["id"]
    scenario_data, _scenario = build_scenario(read_raw(folder), [], ["regions.alpha.districts.0"])
    assert dropped not in scenario_data.region_by_id["alpha"].districts
    assert all(o.district != dropped for o in scenario_data.officers)


# ----- the report -------------------------------------------------------------------------------
REPORT_BEFORE_LANGUAGES = "f86f96f315e839d4"
"""SHA-256 (first 16 hex digits) of the English report of the tiny Cyrillic instance below
(the page without plotly.js, made at a fixed time), as ``report`` wrote it before ``--lang``."""


def test_english_report_is_what_it_was_before_languages(tmp_path: Path) -> None:
    from test_documents import cyrillic
    from trafficplan.report import build_report
    from trafficplan.report.page import render_page

    folder = write_data(tmp_path / "data", cyrillic(tiny()))
    plan = Plan(
        status="feasible",
        sessions=[
            tiny_session("alpha-01", 1, "t01", ALPHA[:15]),
            tiny_session("beta-01", 2, "t02", BETA[:12]),
        ],
    )
    for language in ({}, {"language": "en"}):
        report = build_report(
            load_data(folder), plan, "plan.json", now=datetime(2009, 5, 1, tzinfo=UTC), **language
        )
        report.content.version = "0.1.0"
        page = render_page(report.content, report.figures, "")
        assert hashlib.sha256(page.encode()).hexdigest()[:16] == REPORT_BEFORE_LANGUAGES


class _VisibleText(HTMLParser):
    """The text of a page a reader sees: no script, no style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _figure_texts(value: Any, key: str = "") -> list[str]:
    """Every text of a chart (titles, axis titles, ticks, legend names, labels, hovers)."""
    if key == "template":
        return []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _figure_texts(v, k)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _figure_texts(item, key)]
    if isinstance(value, str) and key in (
        "text",
        "name",
        "customdata",
        "hovertemplate",
        "ticktext",
    ):
        return [re.sub(r"%\{[^}]*\}|<[^>]+>", " ", value)]
    return []


def report_texts(report: Any) -> dict[str, str]:
    """What a reader sees in a report: the page's text and each chart's texts, with the
    technical words every language shares (the tool's name, digests' and files' names, UTC,
    ISO weeks, rule ids, the plan's status) taken out."""
    parser = _VisibleText()
    parser.feed(report.html())
    texts = {"page": " ".join(parser.parts)}
    for figure in report.figures:
        texts[figure.slug] = "\n".join(_figure_texts(figure.figure.to_plotly_json()))
    from trafficplan.checker import RULE_IDS

    ids = "|".join([*RULE_IDS, "metrics", "inputs", "attendance", report.content.status])
    shared = rf"trafficplan|sha256|UTC|ISO|[\w-]+\.(?:json|yaml|csv)|\b(?:{ids})\b"
    return {name: re.sub(shared, " ", text) for name, text in texts.items()}


def _levels(data: ProblemData, plan: Plan) -> list[Any]:
    """Objective levels of every kind of claim: proven, with a tolerance, not proven with a
    bound, and without one."""
    from trafficplan.plan import ObjectiveResult
    from trafficplan.plan.metrics import plan_metrics

    metrics = plan_metrics(data, plan)
    cost = metrics["cost_eur"]
    return [
        ObjectiveResult(
            name="officers_trained",
            value=metrics["officers_trained"],
            bound=metrics["officers_trained"],
            proven=True,
        ),
        ObjectiveResult(
            name="cost_eur",
            value=cost,
            bound=cost - 500,
            proven=True,
            tolerance="5%",
            best=cost - 500,
            given=500,
        ),
        ObjectiveResult(
            name="max_trainer_sessions",
            value=metrics["max_trainer_sessions"],
            bound=1,
            proven=False,
        ),
        ObjectiveResult(name="ngo_spread", value=metrics["ngo_spread"], bound=None, proven=False),
    ]


@pytest.fixture(scope="module")
def ukrainian_reports(ukrainian: tuple[Path, Path]) -> tuple[ProblemData, Plan, list[Any]]:
    """The shipped data with one held session: a report in Ukrainian of a plan with every
    kind of objective claim and a frontier, and of a plan that breaks rules."""
    from trafficplan.inputs.attendance import read_plan_attendance
    from trafficplan.plan.metrics import plan_metrics
    from trafficplan.report import build_report
    from trafficplan.scenarios.tradeoff import Frontier, FrontierRow

    folder, _out = ukrainian
    data = load_data(folder)
    plan = shipped_plan(data)
    plan = plan.model_copy(update={"objectives": _levels(data, plan)})
    metrics = plan_metrics(data, plan)
    trained, cost = metrics["officers_trained"], metrics["cost_eur"]
    frontier = Frontier(
        "cost_eur",
        "officers_trained",
        [
            FrontierRow(trained - 20, cost - 900, True, None, 11, 5, "points/p1.json"),
            FrontierRow(trained, cost, False, 0.012, 12, 6, "points/p2.json"),
            FrontierRow(trained + 5, cost + 300, True, 0.0, 12, 6, "points/p3.json"),
        ],
    )
    attendance = read_plan_attendance(folder, data, plan, given=None)
    reports = [build_report(data, plan, "plan.json", attendance, frontier, STAMP, "uk")]
    broken = plan.model_copy(
        update={
            "sessions": [
                s.model_copy(update={"officers": s.officers[:3]}) if index == 1 else s
                for index, s in enumerate(plan.sessions)
            ]
        }
    )
    reports.append(build_report(data, broken, "plan.json", None, frontier, STAMP, "uk"))
    return data, plan, reports


def test_the_ukrainian_report_has_no_english_fixed_word(
    ukrainian_reports: tuple[ProblemData, Plan, list[Any]],
) -> None:
    data, plan, reports = ukrainian_reports
    complete, broken = reports
    assert complete.content.attendance and complete.content.tradeoff is not None
    assert broken.content.violations and broken.content.warnings
    for report in reports:
        texts = report_texts(report)
        assert {"page", "calendar", "trainers", "map", "costs", "tradeoff"} <= set(texts)
        english = {name: english_words_in(text, data) for name, text in texts.items()}
        assert {name: words for name, words in english.items() if words} == {}
    # and the check does find English: the same report in English is full of it
    from trafficplan.report import build_report

    english_report = build_report(data, plan, "plan.json", now=STAMP)
    assert len(english_words_in(report_texts(english_report)["page"], data)) > 50


def test_the_ukrainian_report_writes_dates_numbers_and_plurals_as_ukrainian_does(
    ukrainian_reports: tuple[ProblemData, Plan, list[Any]],
) -> None:
    _data, _plan, (complete, _broken) = ukrainian_reports
    page = complete.html()
    assert '<html lang="uk">' in page
    assert "План навчання на період 16 липня 2008\u202fр. – 31 жовтня 2008\u202fр." in page
    assert "Заходи проводяться в робочі дні з 16 липня 2008\u202fр." in page
    assert f"{i18n_eur(complete.content.cost_eur)}" in page  # 58 681,86 € style
    assert "EUR" not in report_texts(complete)["page"]
    assert "Ср 16.07.2008" in page  # the sessions table: weekday and date as Ukrainian writes it
    assert "Усі заходи (12)" in page and "12 з 12 областей" in page
    assert "Хмельницька область" in page and "Khmelnytskyi" not in report_texts(complete)["page"]
    assert "День незалежності України" in "\n".join(report_texts(complete).values())
    trainers = report_texts(complete)["trainers"]
    assert re.search(r"\b1 захід\b", trainers) or re.search(r"\b\d+ заходи\b", trainers)
    assert "лип." in trainers  # the timeline's dates by the locale, not plotly's English months
    assert '"separators":",\\u00a0"' in page or '"separators":", "' in page


def i18n_eur(value: float) -> str:
    """An amount as the Ukrainian report writes it."""
    with i18n.use_language("uk"):
        return i18n.format_eur(value)


def test_report_lang_on_the_command_line(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", tiny())
    plan = Plan(status="feasible", sessions=[tiny_session("alpha-01", 1, "t01", ALPHA[:15])])
    plan_file = tmp_path / "plan.json"
    write_plan(plan, plan_file)
    args = ["report", str(plan_file), "--data", str(folder)]
    default = runner.invoke(app, [*args, "--html", str(tmp_path / "a.html")])
    english = runner.invoke(app, [*args, "--html", str(tmp_path / "b.html"), "--lang", "en"])
    ukrainian = runner.invoke(app, [*args, "--html", str(tmp_path / "c.html"), "--lang", "uk"])
    for result in (default, english, ukrainian):
        assert result.exit_code == 0, result.output
        assert "Wrote" in result.stdout and "1 sessions" in result.stdout  # the terminal: English

    def stamped_out(path: Path) -> str:
        page = path.read_text("utf-8")
        page = re.sub(r'<p id="generated">.*?</p>', "", page, flags=re.S)
        return re.sub(r"<footer>.*?</footer>", "", page, flags=re.S)

    assert stamped_out(tmp_path / "a.html") == stamped_out(tmp_path / "b.html")
    page = (tmp_path / "c.html").read_text("utf-8")
    assert '<html lang="uk">' in page and "Підсумки" in page and 'data-session="alpha-01"' in page
    as_json = runner.invoke(
        app, [*args, "--html", str(tmp_path / "d.html"), "--lang", "UK", "--json"]
    )
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["sessions"] == 1
    wrong = runner.invoke(app, [*args, "--html", str(tmp_path / "e.html"), "--lang", "xx"])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output
