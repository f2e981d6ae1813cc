"""The reference tables of the data generator: the regions of Ukraine in 2008 (names, centres,
officer-id codes, districts), anti-trafficking NGOs, trainer bases, and the names drawn for
officers and trainers.

The regions (id, name, officer-id code, centre city, lat, lon, districts) are the rows of
``regions.csv`` beside this module. The names are fictitious combinations of common Ukrainian
surnames, first names and patronymics; the district lists are the real raions of 2008 (see
``data/README.md``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources


# ----- the regions of Ukraine in 2008 ------------------------------------------------------------
@dataclass(frozen=True)
class RegionInfo:
    """One region of the reference table: id, names, centre and its districts (2008 raions)."""

    id: str
    name: str
    code: str
    city: str
    lat: float
    lon: float
    districts: tuple[str, ...]
    ngos: tuple[tuple[str, str], ...] = ()


# Anti-trafficking NGOs of the period named by the reference (shared/reference, "Officers and
# NGOs"); every other region gets generic, illustrative ones (see GENERIC_NGOS).
_KNOWN_NGOS: dict[str, tuple[tuple[str, str], ...]] = {
    "kyiv-city": (("la-strada-ukraine", "La Strada-Ukraine"),),
    "khmelnytskyi": (("caritas-khmelnytskyi", "Caritas Khmelnytskyi"),),
    "vinnytsia": (
        ("progressive-women-vinnytsia", "Progressive Women"),
        ("caritas-vinnytsia", "Caritas Vinnytsia"),
    ),
    "ternopil": (("revival-of-the-nation", "Revival of the Nation"),),
    "lviv": (
        ("caritas-lviv", "Caritas Lviv"),
        ("wurc-lviv", "Western Ukrainian Resource Centre"),
    ),
    "odesa": (
        ("faith-hope-love-odesa", "Faith, Hope, Love"),
        ("caritas-odesa", "Caritas Odesa"),
    ),
    "donetsk": (("child-well-being-fund-donetsk", "Child Well-Being Fund (Donetsk)"),),
    "ivano-frankivsk": (("caritas-ivano-frankivsk", "Caritas Ivano-Frankivsk"),),
}
GENERIC_NGOS = (
    ("womens-centre", "{name} Women's Centre"),
    ("anti-trafficking-network", "{name} Anti-Trafficking Network"),
    ("legal-aid-centre", "{name} Legal Aid Centre"),
)


def _disambiguate(raw: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Append ``-<region id>`` to every district name that occurs in more than one region."""
    owners: dict[str, set[str]] = {}
    for region_id, names in raw:
        for name in names.split():
            owners.setdefault(name, set()).add(region_id)
    result: dict[str, tuple[str, ...]] = {}
    for region_id, names in raw:
        result[region_id] = tuple(
            f"{name}-{region_id}" if len(owners[name]) > 1 else name for name in names.split()
        )
    return result


def _build_table() -> dict[str, RegionInfo]:
    """The regions of ``regions.csv``, by id, with their districts told apart and their NGOs.

    A row's ``districts`` are the 2008 raions by their centre's name, separated by spaces:
    "<centre>-city" is the centre's own city police, and "<centre>-raion" the rural raion
    around it. A district name that occurs in two regions gets "-<region id>" appended
    everywhere (see _disambiguate), so ids are unique in the country.
    """
    table_file = resources.files("trafficplan.datagen") / "regions.csv"
    rows = list(csv.DictReader(io.StringIO(table_file.read_text(encoding="utf-8"))))
    districts = _disambiguate([(row["id"], row["districts"]) for row in rows])
    table = {
        row["id"]: RegionInfo(
            id=row["id"],
            name=row["name"],
            code=row["code"],
            city=row["city"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            districts=districts[row["id"]],
            ngos=_KNOWN_NGOS.get(row["id"], ()),
        )
        for row in rows
    }
    all_districts = [d for info in table.values() for d in info.districts]
    assert len(all_districts) == len(set(all_districts)), "district ids must be unique"
    assert len({info.code for info in table.values()}) == len(table), "codes must be unique"
    return table


REGIONS: dict[str, RegionInfo] = _build_table()
"""The 27 regions of Ukraine in 2008 (reference table), by id."""

REGIONS_2008: tuple[str, ...] = (
    "khmelnytskyi", "vinnytsia", "volyn", "rivne", "ternopil", "lviv", "zakarpattia", "odesa",
    "mykolaiv", "kharkiv", "donetsk", "luhansk",
)  # fmt: skip
"""The 12 regions of the 2008 programme, in the order of ``data/regions.yaml``."""

REGIONS_NATIONAL: tuple[str, ...] = (
    "kyiv-city",
    *REGIONS_2008,
    *(rid for rid in REGIONS if rid not in REGIONS_2008 and rid != "kyiv-city"),
)
"""All 27 regions, Kyiv city first (it hosts the national programme's opening session)."""

# Trainer bases (reference table coordinates).
HOMES: dict[str, tuple[float, float]] = {
    "Kyiv": (50.4470, 30.5466),
    "Lviv": (49.8345, 24.0245),
    "Kharkiv": (49.9906, 36.2298),
    "Odesa": (46.4431, 30.7662),
    "Dnipropetrovsk": (48.4621, 35.0806),
}


def _words(text: str) -> list[str]:
    return text.split()


# ----- names -------------------------------------------------------------------------------------
# Common Ukrainian surnames: (masculine, feminine) forms; most have one form for both.
SURNAMES: tuple[tuple[str, str], ...] = tuple(
    (s, s)
    for s in _words(
        "Коваленко Бондаренко Ткаченко Кравченко Шевченко Мельник Бойко Коваль Олійник Лисенко "
        "Марченко Мороз Савченко Руденко Петренко Клименко Павленко Кравчук Ковальчук Поліщук "
        "Левченко Гончаренко Костенко Карпенко Ткачук Савчук Романюк Кузьменко Василенко "
        "Литвиненко Гнатюк Мартинюк Онищенко Тимошенко Приходько Панченко Сидоренко Яковенко "
        "Кириленко Іваненко Гриценко Бабенко Пономаренко Федоренко Зінченко Юрченко Остапенко "
        "Захарченко Демченко Назаренко Білик Дяченко Вакуленко Гаврилюк Головко Тарасенко Мазур "
        "Гуменюк Пилипенко Стасюк Давиденко Кучер Лук'яненко Семенюк Ярошенко Мацюк Гордієнко "
        "Нестеренко Кушнір Стельмах Середа Дорошенко Вовк Сорока Бабич Шевчук Ничипорук "
        "Климчук Мирошниченко Андрієнко Гребенюк Кравців Литвин"
    )
) + tuple(
    (m, m[:-2] + "а") if m.endswith("ий") else (m, m + "а")
    for m in _words(
        "Ковальський Левицький Яворський Вишневський Садовський Лозинський Ковалевський "
        "Заболотний Білий Чорний Бережний Головатий Соловйов Ковальов"
    )
)
FIRST_MALE = _words(
    "Олександр Сергій Андрій Володимир Віктор Іван Микола Юрій Василь Олег Дмитро Петро Ігор "
    "Богдан Роман Тарас Михайло Віталій Руслан Анатолій Валерій Євген Ярослав Степан Максим "
    "Григорій Павло Артем Олексій Вадим Леонід Святослав Денис Геннадій Костянтин"
)
FIRST_FEMALE = _words(
    "Олена Наталія Ірина Тетяна Оксана Світлана Людмила Галина Юлія Марія Ольга Катерина Лариса "
    "Валентина Інна Вікторія Надія Алла Мар'яна Христина"
)
# Patronymics: (masculine, feminine), from common fathers' names.
PATRONYMICS: tuple[tuple[str, str], ...] = (
    ("Олександрович", "Олександрівна"), ("Сергійович", "Сергіївна"), ("Андрійович", "Андріївна"),
    ("Володимирович", "Володимирівна"), ("Вікторович", "Вікторівна"), ("Іванович", "Іванівна"),
    ("Миколайович", "Миколаївна"), ("Юрійович", "Юріївна"), ("Васильович", "Василівна"),
    ("Петрович", "Петрівна"), ("Михайлович", "Михайлівна"), ("Анатолійович", "Анатоліївна"),
    ("Григорович", "Григорівна"), ("Степанович", "Степанівна"), ("Павлович", "Павлівна"),
    ("Богданович", "Богданівна"), ("Ярославович", "Ярославівна"), ("Леонідович", "Леонідівна"),
    ("Валерійович", "Валеріївна"), ("Олегович", "Олегівна"), ("Ігорович", "Ігорівна"),
    ("Дмитрович", "Дмитрівна"), ("Федорович", "Федорівна"), ("Борисович", "Борисівна"),
    ("Романович", "Романівна"), ("Тарасович", "Тарасівна"),
)  # fmt: skip

# Trainers' names in Latin transliteration (Ukrainian national system, 2010).
TRAINER_SURNAMES = _words(
    "Kovalenko Melnyk Shevchenko Bondarenko Tkachenko Kravchenko Boiko Kovalchuk Oliinyk Lysenko "
    "Moroz Marchenko Savchenko Rudenko Petrenko Klymenko Pavlenko Ponomarenko Hnatyshyn Kozak "
    "Levchenko Karpenko Vlasenko Tymoshchuk Savchuk Ostapchuk Hrytsenko Polishchuk Romaniuk "
    "Honcharenko Kostenko Lytvynenko Didenko Yaremchuk Fedorenko Sydorenko Ivanenko Semeniuk"
)
TRAINER_FIRST = _words(
    "Andrii Oleksandr Serhii Taras Dmytro Yurii Mykola Volodymyr Ihor Vasyl Petro Bohdan Roman "
    "Oleh Viktor Olena Iryna Nataliia Oksana Tetiana Yuliia Svitlana Halyna Mariia Liudmyla "
    "Kateryna Larysa Olha Nadiia Inna"
)
