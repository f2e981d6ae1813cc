"""Deterministic generator of officer lists and of whole synthetic programmes.

Two uses:

* ``python -m trafficplan.datagen officers --data data`` regenerates ``data/officers.csv`` from
  the curated ``data/regions.yaml`` (its districts) and ``data/constraints.yaml`` (its window).
* ``python -m trafficplan.datagen programme --preset national --out DIR`` writes the four files
  of a generated programme: ``national`` (27 regions, ~9,000 officers, 351 sessions, 40
  trainers, 2009) or ``thin`` (the 12 regions of 2008 with 4 trainers and 20 % of officers on
  leave).

Everything is drawn from :class:`random.Random` seeded with the given seed (and, per region or
per trainer, a label), so the same arguments always give byte-identical files, and adding a
region does not change the officers of the others. The names are fictitious combinations of
common Ukrainian surnames, first names and patronymics; the district lists are the real raions
of 2008 (see ``data/README.md``).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from trafficplan.atomic import write_text_atomic

DEFAULT_SEED = 2008
OFFICER_COLUMNS = ("id", "name", "region", "district", "unavailable")
MIN_DISTRICT_OFFICERS = 5
FEMALE_SHARE = 0.12  # ASSUMPTION: precinct inspectors of 2008 were mostly men


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


# Region id, name, officer-id code, centre city, lat, lon (reference table), districts
# (2008 raions by their centre's name; "<centre>-city" is the centre's own city police, and
# "<centre>-raion" the rural raion around it). A district name that occurs in two regions gets
# "-<region id>" appended everywhere (see _disambiguate), so ids are unique in the country.
_RAW_REGIONS: tuple[tuple[str, str, str, str, float, float, str], ...] = (
    ("khmelnytskyi", "Khmelnytskyi", "KHM", "Khmelnytskyi", 49.4354, 26.9865,
     "khmelnytskyi-city khmelnytskyi-raion bilohiria vinkivtsi volochysk horodok derazhnia "
     "dunaivtsi iziaslav kamianets-podilskyi krasyliv letychiv nova-ushytsia polonne slavuta "
     "starokostiantyniv stara-syniava teofipol chemerivtsi shepetivka yarmolyntsi"),
    ("vinnytsia", "Vinnytsia", "VIN", "Vinnytsia", 49.2359, 28.4815,
     "vinnytsia-raion bar bershad haisyn zhmerynka illintsi kalynivka koziatyn kryzhopil "
     "lypovets lityn murovani-kurylivtsi mohyliv-podilskyi nemyriv orativ pishchanka "
     "pohrebyshche teplyk tyvriv tomashpil trostianets tulchyn khmilnyk chernivtsi-vinnytsia "
     "chechelnyk sharhorod yampil"),
    ("volyn", "Volyn", "VOL", "Lutsk", 50.7471, 25.3479,
     "lutsk-city lutsk-raion volodymyr-volynskyi horokhiv ivanychi kamin-kashyrskyi kivertsi "
     "kovel lokachi liubeshiv liuboml manevychi ratne rozhyshche stara-vyzhivka turiisk shatsk"),
    ("rivne", "Rivne", "RIV", "Rivne", 50.6205, 26.2326,
     "rivne-city rivne-raion berezne volodymyrets hoshcha demydivka dubno dubrovytsia zarichne "
     "zdolbuniv korets kostopil mlyniv ostroh radyvyliv rokytne sarny"),
    ("ternopil", "Ternopil", "TER", "Ternopil", 49.5588, 25.6027,
     "ternopil-city ternopil-raion berezhany borshchiv buchach husiatyn zalishchyky zbarazh "
     "zboriv kozova kremenets lanivtsi monastyryska pidvolochysk pidhaitsi terebovlia chortkiv "
     "shumsk"),
    ("lviv", "Lviv", "LVI", "Lviv", 49.8345, 24.0245,
     "lviv-city brody busk horodok drohobych zhydachiv zhovkva zolochiv kamianka-buzka "
     "mykolaiv-lviv mostyska peremyshliany pustomyty radekhiv sambir skole sokal stryi "
     "staryi-sambir turka yavoriv"),
    ("zakarpattia", "Zakarpattia", "ZAK", "Uzhhorod", 48.6278, 22.3086,
     "uzhhorod-city uzhhorod-raion berehove velykyi-bereznyi vynohradiv volovets irshava "
     "mizhhiria mukachevo perechyn rakhiv svaliava tiachiv khust"),
    ("odesa", "Odesa", "ODE", "Odesa", 46.4431, 30.7662,
     "odesa-city ananiv artsyz balta berezivka bilhorod-dnistrovskyi biliaivka bolhrad "
     "velyka-mykhailivka ivanivka izmail kiliia kodyma kominternivske kotovsk krasni-okny "
     "liubashivka mykolaivka ovidiopol rozdilna reni savran sarata tarutyne tatarbunary "
     "frunzivka shyriaieve"),
    ("mykolaiv", "Mykolaiv", "MYK", "Mykolaiv", 46.9632, 31.9745,
     "mykolaiv-city mykolaiv-raion arbuzynka bashtanka berezanka bereznehuvate bratske "
     "veselynove voznesensk vradiivka domanivka yelanets zhovtnevyi kazanka kryve-ozero "
     "novyi-buh nova-odesa ochakiv pervomaisk snihurivka"),
    ("kharkiv", "Kharkiv", "KHA", "Kharkiv", 49.9906, 36.2298,
     "kharkiv-raion balakliia barvinkove blyzniuky bohodukhiv borova valky velykyi-burluk "
     "vovchansk dvorichna derhachi zachepylivka zmiiv zolochiv izium kehychivka kolomak "
     "krasnohrad krasnokutsk kupiansk lozova nova-vodolaha pechenihy pervomaiskyi "
     "sakhnovshchyna chuhuiv shevchenkove"),
    ("donetsk", "Donetsk", "DON", "Donetsk", 48.0059, 37.8027,
     "donetsk-city mariupol-city amvrosiivka artemivsk volnovakha volodarske dobropillia "
     "kostiantynivka krasnoarmiisk krasnyi-lyman marinka novoazovsk oleksandrivka "
     "pershotravnevyi sloviansk starobesheve telmanove shakhtarsk yasynuvata velyka-novosilka"),
    ("luhansk", "Luhansk", "LUH", "Luhansk", 48.5597, 39.2797,
     "luhansk-city antratsyt bilovodsk bilokurakyne krasnodon kreminna lutuhyne markivka "
     "milove novoaidar novopskov perevalsk popasna svatove sverdlovsk slovianoserbsk "
     "stanytsia-luhanska starobilsk troitske"),
    ("kyiv-city", "Kyiv city", "KYC", "Kyiv", 50.4470, 30.5466,
     "kyiv-holosiivskyi kyiv-darnytskyi kyiv-desnianskyi kyiv-dniprovskyi kyiv-obolonskyi "
     "kyiv-pecherskyi kyiv-podilskyi kyiv-sviatoshynskyi kyiv-solomianskyi "
     "kyiv-shevchenkivskyi"),
    ("crimea", "AR Crimea", "CRI", "Simferopol", 44.9651, 34.1242,
     "simferopol-city simferopol-raion yalta-city kerch-city bakhchysarai bilohirsk dzhankoi "
     "kirovske krasnohvardiiske krasnoperekopsk lenine nyzhniohirskyi pervomaiske rozdolne "
     "saky sovietskyi chornomorske"),
    ("sevastopol", "Sevastopol city", "SEV", "Sevastopol", 44.6041, 33.5307,
     "sevastopol-balaklavskyi sevastopol-haharinskyi sevastopol-leninskyi "
     "sevastopol-nakhimovskyi"),
    ("dnipropetrovsk", "Dnipropetrovsk", "DNI", "Dnipropetrovsk", 48.4621, 35.0806,
     "dnipropetrovsk-city kryvyi-rih-city dnipropetrovsk-raion apostolove vasylkivka "
     "verkhniodniprovsk krynychky kryvyi-rih-raion mahdalynivka mezhova nikopol novomoskovsk "
     "pavlohrad petrykivka petropavlivka pokrovske piatykhatky synelnykove solone sofiivka "
     "tomakivka tsarychanka shyroke yurivka"),
    ("zhytomyr", "Zhytomyr", "ZHY", "Zhytomyr", 50.2722, 28.6820,
     "zhytomyr-city zhytomyr-raion andrushivka baranivka berdychiv brusyliv "
     "volodarsk-volynskyi yemilchyne korosten korostyshiv luhyny liubar malyn narodychi "
     "novohrad-volynskyi ovruch olevsk popilnia radomyshl romaniv ruzhyn cherniakhiv chudniv "
     "chervonoarmiisk"),
    ("zaporizhzhia", "Zaporizhzhia", "ZAP", "Zaporizhzhia", 47.8723, 35.0803,
     "zaporizhzhia-city zaporizhzhia-raion berdiansk kuibysheve vasylivka velyka-bilozerka "
     "vesele vilniansk huliaipole kamianka-dniprovska melitopol mykhailivka novomykolaivka "
     "orikhiv polohy pryazovske prymorsk rozivka tokmak chernihivka yakymivka"),
    ("ivano-frankivsk", "Ivano-Frankivsk", "IVF", "Ivano-Frankivsk", 48.9192, 24.7078,
     "ivano-frankivsk-city bohorodchany verkhovyna halych horodenka dolyna kalush kolomyia "
     "kosiv nadvirna rohatyn rozhniativ sniatyn tysmenytsia tlumach"),
    ("kyiv-oblast", "Kyiv oblast", "KYO", "Kyiv", 50.4470, 30.5466,
     "baryshivka bila-tserkva bohuslav boryspil borodianka brovary vasylkiv volodarka "
     "vyshhorod zghurivka ivankiv kaharlyk kyievo-sviatoshynskyi makariv myronivka obukhiv "
     "pereiaslav-khmelnytskyi polisske rokytne skvyra stavyshche tarashcha tetiiv fastiv "
     "yahotyn"),
    ("kirovohrad", "Kirovohrad", "KIR", "Kirovohrad", 48.5290, 32.2529,
     "kirovohrad-city kirovohrad-raion bobrynets vilshanka haivoron holovanivsk "
     "dobrovelychkivka dolynska znamianka kompaniivka mala-vyska novhorodka novoarkhanhelsk "
     "novomyrhorod novoukrainka oleksandrivka oleksandriia onufriivka petrove svitlovodsk "
     "ulianovka ustynivka"),
    ("poltava", "Poltava", "POL", "Poltava", 49.5636, 34.5919,
     "poltava-city poltava-raion velyka-bahachka hadiach hlobyne hrebinka dykanka zinkiv "
     "karlivka kobeliaky kozelshchyna kotelva kremenchuk lokhvytsia lubny mashivka myrhorod "
     "novi-sanzhary orzhytsia pyriatyn reshetylivka semenivka khorol chornukhy chutove "
     "shyshaky"),
    ("sumy", "Sumy", "SUM", "Sumy", 50.9061, 34.8181,
     "sumy-city sumy-raion bilopillia buryn velyka-pysarivka hlukhiv konotop krasnopillia "
     "krolevets lebedyn lypova-dolyna nedryhailiv okhtyrka putyvl romny seredyna-buda "
     "trostianets shostka yampil"),
    ("kherson", "Kherson", "KHE", "Kherson", 46.6629, 32.6492,
     "kherson-city beryslav bilozerka velyka-lepetykha velyka-oleksandrivka "
     "verkhnii-rohachyk vysokopillia henichesk hola-prystan hornostaivka ivanivka kalanchak "
     "kakhovka nyzhni-sirohozy novovorontsovka novotroitske skadovsk tsiurupynsk chaplynka"),
    ("cherkasy", "Cherkasy", "CHK", "Cherkasy", 49.4337, 32.0648,
     "cherkasy-city cherkasy-raion horodyshche drabiv zhashkiv zvenyhorodka zolotonosha "
     "kamianka kaniv katerynopil korsun-shevchenkivskyi lysianka mankivka monastyryshche smila "
     "talne uman khrystynivka chyhyryn chornobai shpola"),
    ("chernivtsi", "Chernivtsi", "CHV", "Chernivtsi", 48.3217, 25.9357,
     "chernivtsi-city vyzhnytsia hertsa hlyboka zastavna kelmentsi kitsman novoselytsia putyla "
     "sokyriany storozhynets khotyn"),
    ("chernihiv", "Chernihiv", "CHN", "Chernihiv", 51.4933, 31.3050,
     "chernihiv-city chernihiv-raion bakhmach bobrovytsia borzna varva horodnia ichnia "
     "kozelets korop koriukivka kulykivka mena nizhyn novhorod-siverskyi nosivka prylyky ripky "
     "semenivka sosnytsia sribne talalaivka shchors"),
)  # fmt: skip

# Anti-trafficking NGOs of the period named by the reference (shared/reference, "Officers and
# NGOs"); every other region gets generic, illustrative ones (see _GENERIC_NGOS).
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
_GENERIC_NGOS = (
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
    districts = _disambiguate([(row[0], row[6]) for row in _RAW_REGIONS])
    table = {
        rid: RegionInfo(rid, name, code, city, lat, lon, districts[rid], _KNOWN_NGOS.get(rid, ()))
        for rid, name, code, city, lat, lon, _ in _RAW_REGIONS
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
_SURNAMES: tuple[tuple[str, str], ...] = tuple(
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
_FIRST_MALE = _words(
    "Олександр Сергій Андрій Володимир Віктор Іван Микола Юрій Василь Олег Дмитро Петро Ігор "
    "Богдан Роман Тарас Михайло Віталій Руслан Анатолій Валерій Євген Ярослав Степан Максим "
    "Григорій Павло Артем Олексій Вадим Леонід Святослав Денис Геннадій Костянтин"
)
_FIRST_FEMALE = _words(
    "Олена Наталія Ірина Тетяна Оксана Світлана Людмила Галина Юлія Марія Ольга Катерина Лариса "
    "Валентина Інна Вікторія Надія Алла Мар'яна Христина"
)
# Patronymics: (masculine, feminine), from common fathers' names.
_PATRONYMICS: tuple[tuple[str, str], ...] = (
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
_TRAINER_SURNAMES = _words(
    "Kovalenko Melnyk Shevchenko Bondarenko Tkachenko Kravchenko Boiko Kovalchuk Oliinyk Lysenko "
    "Moroz Marchenko Savchenko Rudenko Petrenko Klymenko Pavlenko Ponomarenko Hnatyshyn Kozak "
    "Levchenko Karpenko Vlasenko Tymoshchuk Savchuk Ostapchuk Hrytsenko Polishchuk Romaniuk "
    "Honcharenko Kostenko Lytvynenko Didenko Yaremchuk Fedorenko Sydorenko Ivanenko Semeniuk"
)
_TRAINER_FIRST = _words(
    "Andrii Oleksandr Serhii Taras Dmytro Yurii Mykola Volodymyr Ihor Vasyl Petro Bohdan Roman "
    "Oleh Viktor Olena Iryna Nataliia Oksana Tetiana Yuliia Svitlana Halyna Mariia Liudmyla "
    "Kateryna Larysa Olha Nadiia Inna"
)


def officer_name(rng: random.Random) -> str:
    """A random Ukrainian full name in Cyrillic: surname, first name, patronymic."""
    female = rng.random() < FEMALE_SHARE
    surname = rng.choice(_SURNAMES)[1 if female else 0]
    first = rng.choice(_FIRST_FEMALE if female else _FIRST_MALE)
    patronymic = rng.choice(_PATRONYMICS)[1 if female else 0]
    return f"{surname} {first} {patronymic}"


# ----- officers ----------------------------------------------------------------------------------
def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def region_codes(region_ids: Sequence[str]) -> dict[str, str]:
    """Three-letter officer-id codes: the table's code, else letters of the id, unique."""
    taken: set[str] = set()
    codes: dict[str, str] = {}
    for rid in region_ids:
        info = REGIONS.get(rid)
        letters = "".join(ch for ch in rid.upper() if ch.isalpha()) or "REG"
        candidates = [info.code] if info else []
        candidates.append((letters + "XXX")[:3])
        candidates += [
            (letters[0] + a + b) for a in letters[1:] + "XYZ" for b in letters[2:] + "XYZ"
        ]
        candidates += [f"{letters[0]}{n:02d}" for n in range(100)]
        code = next(c for c in candidates if c not in taken)
        taken.add(code)
        codes[rid] = code
    return codes


def district_sizes(districts: Sequence[str], total: int, rng: random.Random) -> list[int]:
    """Split ``total`` officers over ``districts``: uneven, but each gets at least a few.

    A regional-centre city district (``*-city``) weighs about three times an average raion,
    the raion around the centre (``*-raion``) about one and a half; the rest vary at random.
    Every district gets :data:`MIN_DISTRICT_OFFICERS` where ``total`` allows it, else as many
    as an even split gives.
    """
    count = len(districts)
    if count == 0:
        return []
    floor = min(MIN_DISTRICT_OFFICERS, total // count)
    weights = []
    for name in districts:
        base = rng.gammavariate(3.0, 1 / 3)
        if name.endswith("-city"):
            base = rng.uniform(2.5, 4.0)
        elif name.endswith("-raion"):
            base = rng.uniform(1.2, 1.8)
        weights.append(base)
    spare = total - floor * count
    shares = [spare * w / sum(weights) for w in weights]
    sizes = [floor + int(s) for s in shares]
    left = total - sum(sizes)
    by_fraction = sorted(range(count), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_fraction[:left]:
        sizes[i] += 1
    return sizes


def _leave(rng: random.Random, start: date, end: date) -> str:
    """One leave period of 1-3 weeks inside ``start..end``, as a date-set item."""
    span = (end - start).days + 1
    length = min(rng.randint(7, 21), span)
    first = start + timedelta(days=rng.randint(0, span - length))
    last = first + timedelta(days=length - 1)
    return f"{first.isoformat()}..{last.isoformat()}"


def generate_officers(
    regions_yaml_data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    per_region: int = 150,
    leave_share: float = 0.10,
    window_start: date | str = date(2008, 7, 16),
    window_end: date | str = date(2008, 10, 31),
    seed: int = DEFAULT_SEED,
) -> list[dict[str, str]]:
    """Generate the rows of ``officers.csv`` for the regions of a ``regions.yaml``.

    Args:
        regions_yaml_data: the parsed ``regions.yaml`` (a mapping with key ``regions``) or its
            list of regions; each region needs ``id`` and ``districts``.
        per_region: officers in every region.
        leave_share: share of each region's officers (rounded half up) given one leave period
            of 1-3 weeks inside the window.
        window_start, window_end: the programme window (dates or ISO strings).
        seed: the random seed; each region draws from its own stream derived from it.

    Returns:
        One dict per officer with the keys of :data:`OFFICER_COLUMNS`, all strings, grouped by
        region (file order) and district (file order), ids ``ABC-0001`` numbered per region.
    """
    if per_region < 0:
        raise ValueError("per_region must be >= 0")
    if not 0 <= leave_share <= 1:
        raise ValueError("leave_share must be between 0 and 1")
    regions = (
        regions_yaml_data["regions"]
        if isinstance(regions_yaml_data, Mapping)
        else list(regions_yaml_data)
    )
    start, end = _as_date(window_start), _as_date(window_end)
    if end < start:
        raise ValueError("window_end is before window_start")
    codes = region_codes([str(r["id"]) for r in regions])
    rows: list[dict[str, str]] = []
    for region in regions:
        rid = str(region["id"])
        districts = [str(d) for d in region["districts"]]
        rng = random.Random(f"trafficplan-officers:{seed}:{rid}")
        sizes = district_sizes(districts, per_region, rng)
        on_leave = set(rng.sample(range(per_region), int(leave_share * per_region + 0.5)))
        number = 0
        for district, size in zip(districts, sizes, strict=True):
            for _ in range(size):
                unavailable = _leave(rng, start, end) if number in on_leave else ""
                number += 1
                rows.append(
                    {
                        "id": f"{codes[rid]}-{number:04d}",
                        "name": officer_name(rng),
                        "region": rid,
                        "district": district,
                        "unavailable": unavailable,
                    }
                )
    return rows


def officers_csv_text(rows: Sequence[Mapping[str, str]]) -> str:
    """The text of ``officers.csv``: header, one line per officer, ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OFFICER_COLUMNS)
    for row in rows:
        writer.writerow([row[column] for column in OFFICER_COLUMNS])
    return buffer.getvalue()


def write_officers_csv(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    """Write ``officers.csv`` atomically, UTF-8 without BOM."""
    write_text_atomic(Path(path), officers_csv_text(rows))


def _read_yaml(path: Path) -> Any:
    from trafficplan.inputs.yamlio import parse_yaml

    return parse_yaml(path.read_text(encoding="utf-8-sig"))


def regenerate_officers(
    data_dir: Path,
    per_region: int = 150,
    leave_share: float = 0.10,
    seed: int = DEFAULT_SEED,
) -> list[dict[str, str]]:
    """Generate the officers of a data folder from its ``regions.yaml`` and window.

    Reads ``regions.yaml`` and ``constraints.yaml`` (``window``) of ``data_dir``; does not
    write anything.
    """
    regions = _read_yaml(Path(data_dir) / "regions.yaml")
    constraints = _read_yaml(Path(data_dir) / "constraints.yaml")
    if not isinstance(regions, dict) or not isinstance(regions.get("regions"), list):
        raise ValueError(f"{data_dir}/regions.yaml: expected a mapping with a 'regions' list")
    window = constraints.get("window") if isinstance(constraints, dict) else None
    if not isinstance(window, dict) or not {"start", "end"} <= set(window):
        raise ValueError(f"{data_dir}/constraints.yaml: expected 'window' with 'start' and 'end'")
    return generate_officers(regions, per_region, leave_share, window["start"], window["end"], seed)


# ----- whole programmes --------------------------------------------------------------------------
@dataclass(frozen=True)
class Preset:
    """The shape of a generated programme."""

    regions: tuple[str, ...]
    window: tuple[date, date]
    officers_per_region: int
    leave_share: float
    sessions_per_region: tuple[int, int]
    officers_per_session: tuple[int, int]
    venue_capacity: tuple[int, int]
    venues_per_region: tuple[int, int]
    ngos_per_region: tuple[int, int]
    trainers: int
    trainer_homes: tuple[tuple[str, int], ...]
    trainer_leave_weeks: tuple[int, int]
    trainer_leave_mondays: tuple[date, date]
    trainer_days_off: tuple[int, int]
    fixed_region: str
    fixed_date: date | None = None  # None: the first working day of the window


PRESETS: dict[str, Preset] = {
    "national": Preset(
        regions=REGIONS_NATIONAL,
        window=(date(2009, 1, 12), date(2009, 12, 18)),
        officers_per_region=333,
        leave_share=0.10,
        sessions_per_region=(13, 13),
        officers_per_session=(15, 28),
        venue_capacity=(28, 30),
        venues_per_region=(1, 2),
        ngos_per_region=(1, 3),
        trainers=40,
        trainer_homes=(("Kyiv", 12), ("Lviv", 8), ("Kharkiv", 7), ("Odesa", 7),
                       ("Dnipropetrovsk", 6)),
        trainer_leave_weeks=(2, 3),
        trainer_leave_mondays=(date(2009, 6, 1), date(2009, 8, 10)),
        trainer_days_off=(2, 5),
        fixed_region="kyiv-city",
    ),
    "thin": Preset(
        regions=REGIONS_2008,
        window=(date(2008, 7, 16), date(2008, 10, 31)),
        officers_per_region=150,
        leave_share=0.20,
        sessions_per_region=(6, 6),
        officers_per_session=(15, 25),
        venue_capacity=(25, 30),
        venues_per_region=(1, 2),
        ngos_per_region=(2, 3),
        trainers=4,
        trainer_homes=(("Kyiv", 1), ("Lviv", 1), ("Kharkiv", 1), ("Odesa", 1)),
        trainer_leave_weeks=(1, 2),
        trainer_leave_mondays=(date(2008, 7, 21), date(2008, 8, 18)),
        trainer_days_off=(0, 0),
        fixed_region="khmelnytskyi",
        fixed_date=date(2008, 7, 16),
    ),
}  # fmt: skip
"""``national``: the 27-region benchmark of 2009; ``thin``: 2008 with 4 trainers only."""

OVERRIDES = ("regions", "officers_per_region", "trainers", "leave_share")


def _holidays(start: date, end: date) -> set[date]:
    import holidays

    table = holidays.country_holidays("UA", years=range(start.year, end.year + 1), observed=True)
    return set(table)


def _working_days(start: date, end: date) -> list[date]:
    off = _holidays(start, end)
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += timedelta(days=1)
    return days


def _offset(rng: random.Random, lat: float, lon: float, km: float) -> dict[str, float]:
    """A point up to ``km`` km north/south and east/west of (lat, lon)."""
    dlat = rng.uniform(-km, km) / 111.0
    dlon = rng.uniform(-km, km) / 75.0
    return {"lat": round(lat + dlat, 4), "lon": round(lon + dlon, 4)}


def _week_block(rng: random.Random, working: Sequence[date], avoid: date) -> str:
    """A Monday-to-Friday block of the window that leaves ``avoid`` free, as a date-set item."""
    mondays = [d for d in working if d.weekday() == 0 and not d <= avoid <= d + timedelta(4)]
    first = rng.choice(mondays or [working[-1]])
    return f"{first.isoformat()}..{(first + timedelta(days=4)).isoformat()}"


def _region_entry(info: RegionInfo, preset: Preset, seed: int, working: Sequence[date]) -> dict:
    rng = random.Random(f"trafficplan-region:{seed}:{info.id}")
    code = info.code.lower()
    kind = "" if info.name.endswith(("city", "oblast", "Crimea")) else " regional"
    venues: list[dict[str, Any]] = []
    for index in range(rng.randint(*preset.venues_per_region)):
        venue: dict[str, Any]
        if index == 0:
            venue = {
                "id": f"{code}-police-hall",
                "name": f"{info.name}{kind} police directorate, training hall",
                "capacity": rng.randint(*preset.venue_capacity),
            }
            if info.id == "kyiv-oblast":  # shares Kyiv with Kyiv city: a venue of its own
                venue["location"] = _offset(rng, info.lat, info.lon, 3.0)
        else:
            venue = {
                "id": f"{code}-conference-room",
                "name": f"Conference room, {info.city} city centre",
                "capacity": rng.randint(*preset.venue_capacity),
                "location": _offset(rng, info.lat, info.lon, 2.0),
            }
        if rng.random() < 0.15:
            venue["unavailable"] = [_week_block(rng, working, preset.fixed_date or working[0])]
        venues.append(venue)
    ngo_count = rng.randint(*preset.ngos_per_region)
    ngos = [{"id": i, "name": n} for i, n in info.ngos[:ngo_count]]
    for suffix, template in _GENERIC_NGOS[: max(0, ngo_count - len(ngos))]:
        ngos.append({"id": f"{info.id}-{suffix}", "name": template.format(name=info.name)})
    return {
        "id": info.id,
        "name": info.name,
        "centre": {"city": info.city, "lat": info.lat, "lon": info.lon},
        "districts": list(info.districts),
        "venues": venues,
        "ngos": ngos,
    }


def _apportion(homes: Sequence[tuple[str, int]], count: int) -> list[str]:
    """Trainer homes in order: a Sainte-Laguë sequence over the homes' weights."""
    assigned = dict.fromkeys((h for h, _ in homes), 0)
    order = []
    for _ in range(count):
        home = max(homes, key=lambda hw: hw[1] / (2 * assigned[hw[0]] + 1))[0]
        assigned[home] += 1
        order.append(home)
    return order


def _trainers(preset: Preset, count: int, seed: int, working: Sequence[date]) -> list[dict]:
    width = max(2, len(str(count)))
    names_rng = random.Random(f"trafficplan-trainer-names:{seed}")
    pairs = [(f, s) for f in _TRAINER_FIRST for s in _TRAINER_SURNAMES]
    names = [f"{f} {s}" for f, s in names_rng.sample(pairs, min(count, len(pairs)))]
    trainers = []
    for index, home in enumerate(_apportion(preset.trainer_homes, count)):
        tid = f"t{index + 1:0{width}d}"
        rng = random.Random(f"trafficplan-trainer:{seed}:{tid}")
        first_monday, last_monday = preset.trainer_leave_mondays
        mondays = [
            first_monday + timedelta(weeks=w)
            for w in range((last_monday - first_monday).days // 7 + 1)
        ]
        leave_start = rng.choice(mondays)
        leave_end = leave_start + timedelta(weeks=rng.randint(*preset.trainer_leave_weeks), days=-3)
        free = [d for d in working if not leave_start <= d <= leave_end and d != preset.fixed_date]
        days_off = sorted(rng.sample(free, min(len(free), rng.randint(*preset.trainer_days_off))))
        unavailable = sorted(
            [(leave_start, f"{leave_start.isoformat()}..{leave_end.isoformat()}")]
            + [(d, d.isoformat()) for d in days_off]
        )
        lat, lon = HOMES[home]
        trainers.append(
            {
                "id": tid,
                "name": names[index % len(names)],
                "home": {"city": home, "lat": lat, "lon": lon},
                "unavailable": [item for _, item in unavailable],
                "day_rate_eur": rng.randrange(100, 151, 5),
            }
        )
    return trainers


def _constraints(preset: Preset, region_count: int, working: Sequence[date]) -> dict:
    low, high = preset.sessions_per_region
    fixed_date = preset.fixed_date or working[0]
    return {
        "window": {"start": preset.window[0].isoformat(), "end": preset.window[1].isoformat()},
        "calendar": {
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "holidays": "UA",
            "closed": [],
            "open": [],
        },
        "sessions": {
            "max_total": high * region_count,
            "per_region": {"min": low, "max": high},
            "officers": {
                "min": preset.officers_per_session[0],
                "max": preset.officers_per_session[1],
            },
            "max_per_region_per_day": 1,
            "fixed": [{"region": preset.fixed_region, "date": fixed_date.isoformat()}],
        },
        "trainers": {
            "per_session": 1,
            "max_per_week": 3,
            "max_consecutive_days": 2,
            "travel": {
                "road_factor": 1.3,
                "same_evening_km": 250,
                "km_per_day": 500,
                "eur_per_km": 0.2,
            },
        },
        "ngos": {"per_session": 1, "max_per_week": 2},
        "officers": {"max_district_share_per_day": 0.34},
        "objective": ["officers_trained", "cost_eur", "max_trainer_sessions"],
        "budget_eur": None,
    }


class _Dumper(yaml.SafeDumper):
    """A SafeDumper that writes every date and date range in double quotes, alike."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if value[:1].isdigit() and value[4:5] == "-" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _is_leaf(values: Any) -> bool:
    return all(isinstance(v, str | int | float | bool) or v is None for v in values)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=_is_leaf(value))


def _represent_dict(dumper: yaml.SafeDumper, value: dict) -> yaml.MappingNode:
    flow = _is_leaf(value.values()) and len(value) <= 4
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _dump_yaml(header: str, data: Any) -> str:
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return header + body


def build_programme(
    preset: str, seed: int = DEFAULT_SEED, **overrides: Any
) -> tuple[dict, dict, list[dict[str, str]], dict]:
    """Build a programme in memory: (regions.yaml, trainers.yaml, officer rows, constraints.yaml).

    ``overrides`` may set ``regions`` (the first N regions of the preset), ``officers_per_region``,
    ``trainers`` (count) and ``leave_share``.

    Raises:
        ValueError: an unknown preset or override, or an override out of range.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r} (known: {', '.join(PRESETS)})")
    unknown = sorted(set(overrides) - set(OVERRIDES))
    if unknown:
        raise ValueError(f"unknown override {unknown[0]!r} (known: {', '.join(OVERRIDES)})")
    spec = PRESETS[preset]
    given = {k: v for k, v in overrides.items() if v is not None}
    region_count = int(given.get("regions", len(spec.regions)))
    if not 1 <= region_count <= len(spec.regions):
        raise ValueError(f"regions must be between 1 and {len(spec.regions)}")
    per_region = int(given.get("officers_per_region", spec.officers_per_region))
    trainer_count = int(given.get("trainers", spec.trainers))
    if per_region < 1 or trainer_count < 1:
        raise ValueError("officers_per_region and trainers must be at least 1")
    leave_share = float(given.get("leave_share", spec.leave_share))
    working = _working_days(*spec.window)
    infos = [REGIONS[rid] for rid in spec.regions[:region_count]]
    regions = {"regions": [_region_entry(info, spec, seed, working) for info in infos]}
    trainers = {"trainers": _trainers(spec, trainer_count, seed, working)}
    officers = generate_officers(regions, per_region, leave_share, *spec.window, seed=seed)
    constraints = _constraints(spec, region_count, working)
    return regions, trainers, officers, constraints


def generate_programme(
    out_dir: Path, preset: str, seed: int = DEFAULT_SEED, **overrides: Any
) -> None:
    """Write the four files of a generated programme into ``out_dir`` (created if needed).

    See :func:`build_programme` for ``preset``, ``seed`` and ``overrides``; the same arguments
    always write byte-identical files.
    """
    regions, trainers, officers, constraints = build_programme(preset, seed, **overrides)
    args = " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in sorted(overrides.items()) if v is not None
    )
    header = (
        "# Synthetic data, generated by: python -m trafficplan.datagen programme "
        f"--preset {preset} --seed {seed}{' ' + args if args else ''}\n"
    )
    out = Path(out_dir)
    write_text_atomic(out / "regions.yaml", _dump_yaml(header, regions))
    write_text_atomic(out / "trainers.yaml", _dump_yaml(header, trainers))
    write_text_atomic(out / "constraints.yaml", _dump_yaml(header, constraints))
    write_officers_csv(officers, out / "officers.csv")


# ----- command line ------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trafficplan.datagen",
        description="Deterministic generator of trafficplan input data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    officers = commands.add_parser(
        "officers", help="regenerate DATA/officers.csv from DATA/regions.yaml and its window"
    )
    officers.add_argument("--data", type=Path, default=Path("data"), help="data folder")
    officers.add_argument("--per-region", type=int, default=150, help="officers per region")
    officers.add_argument(
        "--leave-share", type=float, default=0.10, help="share of officers with one leave"
    )
    officers.add_argument("--seed", type=int, default=DEFAULT_SEED)
    programme = commands.add_parser("programme", help="write all four files of a programme")
    programme.add_argument("--preset", choices=sorted(PRESETS), default="national")
    programme.add_argument("--out", type=Path, required=True, help="folder to write")
    programme.add_argument("--seed", type=int, default=DEFAULT_SEED)
    programme.add_argument("--regions", type=int, help="use only the first N regions")
    programme.add_argument("--officers-per-region", type=int)
    programme.add_argument("--trainers", type=int, help="number of trainers")
    programme.add_argument("--leave-share", type=float)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "officers":
            rows = regenerate_officers(args.data, args.per_region, args.leave_share, args.seed)
            write_officers_csv(rows, args.data / "officers.csv")
            print(f"wrote {args.data / 'officers.csv'}: {len(rows)} officers")
        else:
            generate_programme(
                args.out,
                args.preset,
                args.seed,
                regions=args.regions,
                officers_per_region=args.officers_per_region,
                trainers=args.trainers,
                leave_share=args.leave_share,
            )
            print(f"wrote {args.out}: preset {args.preset}, seed {args.seed}")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 3
    return 0
