"""The reference tables of the data generator: the regions of Ukraine in 2008 (names, centres,
officer-id codes, districts), anti-trafficking NGOs, trainer bases, and the names drawn for
officers and trainers.

The names are fictitious combinations of common Ukrainian surnames, first names and
patronymics; the district lists are the real raions of 2008 (see ``data/README.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
