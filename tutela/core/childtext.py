"""Finds children's identities in free text: names with ages, birth dates, contacts, photos.

One detector for every text field written next to children's counts (an activity's summary,
objective, participation descriptions, outcomes and links; a figure's note; an outreach
programme's description, a campaign's purpose, a placement's outlet…). Services call it, so
forms, the API and imports are covered alike.

Two outcomes, chosen per signal (docs/decisions.md, "Children's identities in free text"):

* **reject** (``ValidationError`` naming what to remove) when the signal is unambiguous:
  a date of birth ("date of birth", "DOB", "né le 3 mars 2012", "born on 12/03/2012"), or a
  contact (an e-mail address, a phone number, a social-media handle or profile link) in a
  text about children;
* **flag** (stored, not publishable until the secretariat reviews it) when it takes a human
  to tell: a probable first name with a child's age ("Abebe, 11", "Marta (12 years old)",
  "named Sara aged 9", "小明，11岁"), or a photo (an image file or link next to child words).

It is a heuristic, tuned on ``core/tests/data/childtext_corpus.tsv`` (English, French,
Spanish, Arabic, Russian, Chinese); ``core/tests/test_childtext.py`` measures recall and the
false-positive rate and asserts both. It reads scripts with and without capital letters,
Arabic-Indic digits and full-width punctuation.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REJECT = "reject"
FLAG = "flag"

NAME_AGE = "name_age"
BIRTH_DATE = "birth_date"
CONTACT = "contact"
PHOTO = "photo"

POLICY = {BIRTH_DATE: REJECT, CONTACT: REJECT, NAME_AGE: FLAG, PHOTO: FLAG}

CHILD_MAX_AGE = 17


@dataclass(frozen=True)
class Finding:
    signal: str  # NAME_AGE, BIRTH_DATE, CONTACT or PHOTO
    excerpt: str  # the words that matched, to show the person who must remove them
    field: str = ""

    @property
    def action(self) -> str:
        return POLICY[self.signal]

    def as_dict(self) -> dict[str, str]:
        return {"signal": self.signal, "field": self.field, "excerpt": self.excerpt}

    def message(self) -> str:
        text = {
            NAME_AGE: _("“%(x)s” looks like a child's name with an age"),
            BIRTH_DATE: _("“%(x)s” looks like a date of birth"),
            CONTACT: _("“%(x)s” is a contact (e-mail, phone or social-media account)"),
            PHOTO: _("“%(x)s” looks like a photo of children"),
        }[self.signal]
        return text % {"x": self.excerpt}


# --- Words ------------------------------------------------------------------------------------

# Words that say a text is about children (stems; matched case-insensitively at a word start,
# except in Chinese and Arabic, which are matched anywhere).
_CHILD_STEMS = [
    # en
    "child", "children", "kid", "girl", "boy", "pupil", "student", "schoolchild", "minor", "teen", "adolescent",
    "youngster", "juvenile", "learner", "son", "daughter", "youth", "infant", "toddler", "baby", "grade ",
    # fr
    "enfant", "élève", "eleve", "fille", "garçon", "garcon", "mineur", "ado", "écolier", "ecolier", "collégien",
    "lycéen", "jeune", "bébé",
    # es
    "niño", "niña", "nino", "nina", "alumn", "estudiante", "menor", "chico", "chica", "adolescente", "muchach",
    "escolar", "hijo", "hija", "joven", "jóvenes", "bebé",
    # ru
    "ребён", "ребен", "дет", "ученик", "ученица", "школьни", "девоч", "мальчик", "подрост", "несовершеннолет",
    "сын", "доч", "малыш",
]
_CHILD_ANYWHERE = [
    # ar (letters join, so stems are matched inside words)
    "طفل", "أطفال", "اطفال", "تلميذ", "تلاميذ", "طالب", "طالبة", "طلاب", "بنت", "فتاة", "فتى", "ولد", "قاصر", "مراهق",
    "صبي",
    # zh
    "儿童", "孩子", "小孩", "学生", "男孩", "女孩", "少年", "未成年", "小学", "中学", "幼儿", "儿子", "女儿", "小朋友",
]
_CHILD_WORDS = re.compile(  # matched on the lower-cased text (IGNORECASE is several times slower)
    r"(?<!\w)(?:" + "|".join(re.escape(s.lower()) for s in _CHILD_STEMS) + r")|"
    + "|".join(re.escape(s) for s in _CHILD_ANYWHERE),
)

# "years old" in six languages (after the number).
_YEARS = (
    r"(?:years?[\s-]*old|years?|yrs?\.?|y\.?\s?o\.?|yo\b|-year-old|ans?\b|años?|anos?|"
    r"лет|года?\b|г\.|"
    r"سنوات|سنة|سنين|عاما|عامًا|عاماً|أعوام|عام|"
    r"周岁|岁|歲)"
)
# "… years running / ago / in the field": a duration, not an age.
_NOT_AGE_AFTER = r"(?!\s+(?:running|ago|later|in\s+a\s+row|of|in\s+the|on|since|after|before|long|experience))"
_YEARS = _YEARS + r"(?![a-zа-яё])" + _NOT_AGE_AFTER
# "aged" before the number.
_AGED = (
    r"(?:aged|age|âgée?s?\s+de|agée?s?\s+de|agé|de\s+edad\s+de|edad(?:\s+de)?|tiene|tenía|de|"
    r"в\s+возрасте|возрастом|возраст|"
    r"عمره|عمرها|يبلغ\s+من\s+العمر|تبلغ\s+من\s+العمر|البالغ\s+من\s+العمر|البالغة\s+من\s+العمر|العمر)"
)
# "named" / "called" before a name.
_NAMED = (
    r"(?i:named|called|name\s+is|nommée?|appelée?|prénommée?|s'appelle|llamad[oa]|de\s+nombre|se\s+llama|"
    r"по\s+имени|зовут|"
    r"اسمه|اسمها|يدعى|تدعى|يُدعى|تُدعى|"
    r"名叫|叫做|名为|名字叫|叫)"
)

# Capitalised words that are not first names in reporting text (a name before ", 11" or "(11)").
_NOT_NAMES = {
    w.casefold() for w in """
    annex annexe anexo table tableau tabla figure figura section sección session séance sesión room salle sala grade
    class classe clase day jour día goal objectif objetivo article artículo chapter chapitre capítulo page página pillar
    pilier pilar group groupe grupo module módulo level niveau nivel item point punto resolution résolution resolución
    recommendation recommandation recomendación question pregunta step étape paso phase fase year année año week semaine
    semana unit unité unidad lot school école escuela cohort cohorte workshop atelier taller part partie parte box
    paragraph paragraphe párrafo para no nr number numéro número version versión edition édition edición meeting
    réunion reunión slide diapositive round tour ronda track piste panel forum foro study étude estudio chart graphique
    gráfico appendix apéndice rule règle regla clause cláusula principle principe principio target cible meta indicator
    indicateur indicador priority priorité prioridad activity activité actividad output action acción line ligne línea
    january february march april may june july august september october november december janvier février mars avril mai
    juin juillet août septembre octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre
    octubre noviembre diciembre monday tuesday wednesday thursday friday saturday sunday
    windows android ios iphone galaxy cop wsis igf itu unicef unesco who sdg sdgs iso
    girls boys children pupils students teachers parents participants schools kids learners adults women men
    filles garçons enfants élèves étudiants enseignants parents participants écoles
    niñas niños alumnos alumnas estudiantes maestros docentes padres participantes escuelas
    total totals subtotal sum average moyenne promedio median
    pilot project programme program campaign initiative plan strategy partnership agreement mou contract
    the a an of at by for in on to from with within during over after before since about around some only just nearly
    almost all each every until up under more less than its their our it this that these those we they he she there
    here then when while last next first second third another other both half
    le la les un une des du de au aux pour dans pendant depuis durant après avant environ plus moins près chaque tous
    toutes il elle ils elles nous on ce cette ces en sur sous par avec sans déjà seulement presque
    el los las uno una unos unas del al por para en durante desde hace tras antes después cerca más menos casi cada
    todos todas ya solo sólo sobre bajo con sin entre ese esa este esta estos estas
    статья глава раздел таблица рисунок приложение пункт класс группа сессия день год неделя школа модуль уровень
    дети девочки мальчики ученики школьники учителя родители участники
    в во за через после до более менее около почти уже всего лишь только на по с со из к для при от каждые все
    это этот эта эти тот та те он она они мы вы
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    """.split()
}

# Digits of any script (Arabic-Indic too) are matched by \d; full-width punctuation is folded.
_FULLWIDTH = str.maketrans({"，": ",", "（": "(", "）": ")", "：": ":", "、": ",", "；": ";", "．": ".", "،": ","})

_LATIN_NAME = r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿā-ſ'’-]+"
_CYR_NAME = r"[А-ЯЁ][а-яё'-]+"
_NAME = rf"(?:{_LATIN_NAME}|{_CYR_NAME})"
_AGE = r"(?P<age>\d{1,2})(?!\s*(?:[-–—/.,:]\s*\d|\d|%|\s*(?:to|à|a|y|et|and|or|ou|o|и|до|至|到|-)\s*\d))"
# After an age that stands alone ("Abebe, 11" / "Abebe (11)"): the end of a clause, not a noun.
_AGE_END = r"(?=\s*(?:$|[,;.!?)\]]|and\b|et\b|y\b|e\b|и\b|و|和|、))"

_NAME_AGE_PATTERNS = [
    # Abebe, 11 years old · Marta (12 years old) · Marie, 11 ans · Маша, 11 лет · Sara, aged 9 · Marta, de 12 años
    re.compile(rf"(?P<name>{_NAME})\s*[,(]\s*(?:{_AGED}\s*)?{_AGE}\s*{_YEARS}\)?"),
    # Abebe, 11  ·  Abebe (11)  (no unit: only a clause end may follow; not the last word of a
    # longer proper noun such as "Addis Ababa, 3" or "Bahir Dar, 2")
    re.compile(rf"(?P<name>{_NAME})\s*(?:,\s*|\(\s*){_AGE}\s*\)?{_AGE_END}"),
    # Sara aged 9 · Sara is 9 years old · Marie a 9 ans · Marta tiene 12 años · Маше 11 лет
    re.compile(rf"(?P<name>{_NAME})\s+(?:is|was|est|a|avait|tiene|tenía|tiene\s+ya|,)?\s*{_AGED}?\s*{_AGE}\s*{_YEARS}"),
    re.compile(rf"(?P<name>{_NAME})\s*,?\s+(?:aged|âgée?\s+de|de\s+edad\s+de|в\s+возрасте){r'\s*'}{_AGE}"),
    # a 9-year-old named Sara · named Sara, aged 9 · une fille nommée Sara âgée de 9 ans · по имени Саша, 9 лет
    re.compile(rf"{_NAMED}\s+(?P<name>{_NAME}).{{0,40}}?(?:{_AGED}\s*)?{_AGE}\s*{_YEARS}"),
    re.compile(rf"{_AGE}\s*[-\s]?{_YEARS}.{{0,30}}?{_NAMED}\s+(?P<name>{_NAME})"),
    # Arabic: "سارة، 9 سنوات" · "أحمد (12 عاماً)" · "اسمها سارة تبلغ من العمر 9 سنوات"
    re.compile(rf"(?P<name>[\u0621-\u064A]{{2,}})\s*[,(]\s*(?:{_AGED}\s*)?{_AGE}\s*{_YEARS}"),
    re.compile(rf"{_NAMED}\s*(?P<name>[\u0621-\u064A]{{2,}}).{{0,40}}?{_AGE}\s*{_YEARS}"),
    # Chinese: "小明,11岁" · "小明(12岁)" · "名叫小红的9岁女孩" · "小红今年9岁"
    re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}})\s*[,(:]\s*{_AGE}\s*(?:周岁|岁|歲)"),
    re.compile(rf"{_NAMED}(?P<name>[\u4e00-\u9fff]{{1,3}}).{{0,12}}?{_AGE}\s*(?:周岁|岁|歲)"),
    re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}})今年{_AGE}\s*(?:周岁|岁|歲)"),
    re.compile(rf"{_AGE}\s*(?:周岁|岁|歲).{{0,10}}?{_NAMED}(?P<name>[\u4e00-\u9fff]{{1,3}})"),
]
# Chinese and Arabic words that stand before a comma and an age but are not names.
_NOT_NAMES_ANYWHERE = {
    "儿童", "孩子", "学生", "男孩", "女孩", "少年", "小学生", "中学生", "年龄", "参与者", "学员", "其中", "平均", "大约", "年龄段",
    "أطفال", "اطفال", "الأطفال", "الاطفال", "طفل", "تلاميذ", "التلاميذ", "طلاب", "الطلاب", "أعمارهم", "اعمارهم",
    "عمر", "العمر", "بين", "من", "إلى", "الى", "حوالي", "متوسط",
}
_CJK_GROUP_CHARS = set("童生孩年段者员均约中")

# --- Birth dates --------------------------------------------------------------------------------

_DATE = (
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\s*(?:er)?\s+\w{3,12}\.?\s+\d{4}|\w{3,12}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+de\s+\w{3,12}\s+de\s+\d{4}|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)"
)
_BIRTH_KEYWORDS = re.compile(
    r"(?:date\s+of\s+birth|birth\s*date|birthdate|d\.?o\.?b\.?(?=\W)|date\s+de\s+naissance|fecha\s+de\s+nacimiento|"
    r"дата\s+рождения|дата\s+рожд\.|出生日期|出生年月|生日|تاريخ\s+الميلاد|تاريخ\s+الولادة)\s*[:.-]?\s*.{0,20}?"
    rf"(?:{_DATE}|\d+)",
    re.IGNORECASE,
)
_BORN_ON = re.compile(
    rf"(?:born(?:\s+on)?|née?\s+le|nacid[oa]\s+el|родил(?:ся|ась)|出生于|生于|ولدت?\s+في|من\s+مواليد)\s*{_DATE}",
    re.IGNORECASE,
)

# --- Contacts -------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?!\d))"
    r"|(?:(?<![\w\d])0\d{2,3}[\s.-]\d{2,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4})?(?![\d]))"
    r"|(?:(?<![\w\d])0[1-9]\d{8,10}(?!\d))"
    r"|(?:(?<![\w\d])0[1-9](?:[\s.-]\d{2}){4}(?!\d))"
    r"|(?:(?:tel|tél|phone|telephone|téléphone|teléfono|telefono|móvil|movil|mobile|cell|whatsapp|телефон|тел\.|"
    r"电话|手机|微信|هاتف|جوال|واتساب)[^\d\n]{0,25}\+?\d[\d\s().-]{5,}\d)",
    re.IGNORECASE,
)
_HANDLE = re.compile(
    r"(?:(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{2,29}(?![\w@])(?!\.\w))"
    r"|(?:(?:instagram|facebook|fb|tiktok|twitter|x|snapchat|vk|t|telegram|youtube|linkedin|weibo)\.(?:com|me|ru|org)/[\w.@-]+)"
    r"|(?:(?:snapchat|snap|instagram|insta|tiktok|telegram|whatsapp|wechat|微信|vk|skype)\s*[:=]\s*@?[\w.-]{3,})",
    re.IGNORECASE,
)

# --- Photos ---------------------------------------------------------------------------------

_IMAGE = re.compile(
    r"(?:!\[[^\]]*\]\([^)]*\))|(?:\S+\.(?:jpe?g|png|gif|webp|heic|heif|bmp|tiff?)\b)"
    r"|(?:(?:photo|picture|pic|image|selfie|snapshot|foto|fotografía|fotografia|imagen|фото|фотограф|снимок|照片|相片|图片|صورة|صور)"
    r"\w*\s*(?:of|de|des|del|:|-)?[^.\n]{0,60}?https?://\S+)",
    re.IGNORECASE,
)


# Cheap substring tests (C speed) decide which patterns are worth running on a text.
_IMAGE_HINTS = (".jp", ".png", ".gif", ".webp", ".hei", ".bmp", ".tif", "![")
_SOCIAL_HINTS = ("instagram", "insta", "facebook", "fb.", "tiktok", "twitter", "x.com", "snap", "vk.", "vk ", "vk:",
                 "t.me", "telegram", "whatsapp", "wechat", "微信", "skype", "youtube", "linkedin", "weibo")
_NAMED_HINTS = ("named", "called", "name is", "nomm", "appel", "prénomm", "llamad", "nombre", "se llama", "имени",
                "зовут", "اسم", "يدعى", "تدعى", "يُدعى", "تُدعى", "叫", "名为")
_BIRTH_HINTS = ("birth", "dob", "d.o.b", "naissance", "nacimiento", "рожд", "出生", "生日", "الميلاد", "الولادة")
_BORN_HINTS = ("born", "né", "nacid", "родил", "生于", "ولد", "مواليد")
_YEAR_HINTS = ("year", "yr", "y.o", "yo", "an", "añ", "ano", "лет", "год", "г.", "سن", "عام", "أعوام", "岁", "歲")
_YEAR_PATTERNS = {0, 2, 4, 5, 6, 7}  # indexes in _NAME_AGE_PATTERNS that need a "years" word
_NAMED_PATTERNS = {4, 5, 7, 9, 11}  # indexes in _NAME_AGE_PATTERNS that need a "named" word
_ARABIC_PATTERNS = {6, 7}
_CJK_PATTERNS = {8, 9, 10, 11}
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064A]")
_CJK_LETTERS = re.compile(r"[\u4e00-\u9fff]")


def might_identify(text: str) -> bool:
    """A cheap first pass: every signal needs a digit, an @, a link, an image file or a messaging app."""
    if not text:
        return False
    if "@" in text or "://" in text or any(c.isdigit() for c in text):
        return True
    lower = text.lower()
    return any(h in lower for h in _IMAGE_HINTS) or any(h in lower for h in _SOCIAL_HINTS)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").translate(_FULLWIDTH)


def mentions_children(text: str) -> bool:
    return bool(_CHILD_WORDS.search(_fold(text).lower()))


def _is_name(word: str) -> bool:
    w = word.strip("'’-")
    if not w:
        return False
    if w.casefold() in _NOT_NAMES or w in _NOT_NAMES_ANYWHERE:
        return False
    if "\u4e00" <= w[0] <= "\u9fff" and any(c in _CJK_GROUP_CHARS for c in w):
        return False
    if "\u0621" <= w[0] <= "\u064a" and (w.startswith("ال") or w in _NOT_NAMES_ANYWHERE):
        return False
    return True


_BARE = 1  # the pattern without a unit ("Abebe, 11")
# A capitalised word just before, itself inside a sentence (not its first word): "… in Addis Ababa, 3".
_CAPITALISED_BEFORE = re.compile(r"[^\s.!?]\s+[A-ZÀ-ÞА-ЯЁ][\w'’.-]*\s+$")


def _name_age(text: str, lower: str) -> list[str]:
    found: list[tuple[int, int, str]] = []
    named = any(h in lower for h in _NAMED_HINTS)
    skip = set() if named else set(_NAMED_PATTERNS)
    if not any(h in lower for h in _YEAR_HINTS):
        skip |= _YEAR_PATTERNS
    if not _ARABIC_LETTERS.search(text):
        skip |= _ARABIC_PATTERNS
    if not _CJK_LETTERS.search(text):
        skip |= _CJK_PATTERNS
    for i, pattern in enumerate(_NAME_AGE_PATTERNS):
        if i in skip:
            continue
        for m in pattern.finditer(text):
            if i == _BARE and _CAPITALISED_BEFORE.search(text[:m.start()][-40:]):
                continue  # the last word of a longer proper noun: "Addis Ababa, 3", "Bahir Dar, 2"
            age = int(m.group("age"))
            if age > CHILD_MAX_AGE:
                continue
            if not _is_name(m.group("name")):
                continue
            # A capitalised word that starts a sentence is no name: "Children, 11 …" is caught by the
            # stop list; "In total, 12." by the age-end rule.
            found.append((m.start(), m.end(), m.group(0).strip()))
    kept: list[tuple[int, int, str]] = []
    for start, end, excerpt in sorted(found, key=lambda f: (f[0], -f[1])):
        if not any(start < k_end and k_start < end for k_start, k_end, _e in kept):  # one finding per place
            kept.append((start, end, excerpt))
    return [excerpt for _start, _end, excerpt in kept]


def scan(text: str, *, about_children: bool = False, field: str = "") -> list[Finding]:
    """Every probable child identity in ``text``.

    ``about_children``: the field is about children whatever its words say (a participation
    row of the children group, an activity with children's counts). Contacts and photos are
    only findings in a text about children; names with ages and birth dates always are.
    """
    text = _fold(text)
    if not text.strip() or not might_identify(text):
        return []
    lower = text.lower()
    has_digit = any(c.isdigit() for c in text)
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(signal: str, excerpt: str) -> None:
        excerpt = " ".join(excerpt.split())[:80]
        if (signal, excerpt) not in seen:
            seen.add((signal, excerpt))
            findings.append(Finding(signal, excerpt, field))

    if has_digit and any(h in lower for h in _BIRTH_HINTS):
        for m in _BIRTH_KEYWORDS.finditer(text):
            add(BIRTH_DATE, m.group(0))
    if has_digit and any(h in lower for h in _BORN_HINTS):
        for m in _BORN_ON.finditer(text):
            add(BIRTH_DATE, m.group(0))
    # Contacts and photos count in a text about children: look for them first (rare), then for child words.
    has_at = "@" in text
    phone = has_digit and sum(c.isdigit() for c in text) >= 6
    social = any(h in lower for h in _SOCIAL_HINTS)
    image = "://" in text or any(h in lower for h in _IMAGE_HINTS)
    if (has_at or phone or social or image) and (about_children or _CHILD_WORDS.search(lower)):
        stripped = text
        if has_at:
            for m in _EMAIL.finditer(text):
                add(CONTACT, m.group(0))
            stripped = _EMAIL.sub(" ", text)
        if sum(c.isdigit() for c in stripped) >= 6:
            for m in _PHONE.finditer(stripped):
                add(CONTACT, m.group(0))
        if "@" in stripped or social:
            for m in _HANDLE.finditer(stripped):
                add(CONTACT, m.group(0))
        if image:
            for m in _IMAGE.finditer(text):
                add(PHOTO, m.group(0))
    if has_digit:
        for excerpt in _name_age(text, lower):
            add(NAME_AGE, excerpt)
    return findings


def check(texts: Mapping[str, str | Iterable[str] | None], *, about_children: bool = False) -> list[Finding]:
    """Scan several fields; raise for what must be removed, return what must be reviewed.

    ``texts`` maps a field name (the key a ``ValidationError`` is raised under) to its text or
    texts. Raises ``ValidationError`` listing every rejected finding, with a message that says
    what to remove; otherwise returns the findings to flag (possibly empty).
    """
    findings: list[Finding] = []
    for name, value in texts.items():
        values = [value] if isinstance(value, str) or value is None else list(value)
        for v in values:
            findings.extend(scan(str(v or ""), about_children=about_children, field=name))
    rejected = [f for f in findings if f.action == REJECT]
    if rejected:
        errors: dict[str, list[str]] = {}
        for f in rejected:
            errors.setdefault(f.field or "__all__", []).append(
                _("%(what)s: remove it. Children are only counted, by age band; never record a child's "
                  "birth date or contact.") % {"what": f.message()}
            )
        raise ValidationError(errors)
    return [f for f in findings if f.action == FLAG]


def refuse(texts: Mapping[str, str | Iterable[str] | None], *, about_children: bool = False) -> None:
    """For fields no one reviews before they are shown (a placement's outlet, a message's title):
    every finding is refused, with what to remove."""
    findings = check(texts, about_children=about_children)
    if findings:
        errors: dict[str, list[str]] = {}
        for f in findings:
            errors.setdefault(f.field or "__all__", []).append(
                _("%(what)s: remove it. Children are only counted, by age band.") % {"what": f.message()})
        raise ValidationError(errors)
