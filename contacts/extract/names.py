"""People's names: cleaning a written name and deciding whether a text is one."""

import functools
import re
import unicodedata

from .text import collapse, word_set

# Written before a name; never part of the label.
HONORIFICS = word_set(
    """dr dr. doctor prof prof. professor mr mr. mrs mrs. ms ms. miss mx mx. sir dame rev rev.
    reverend fr fr. hon hon. judge dipl.-ing. dipl.-ing dr.-ing. dr.-ing dipl.-kfm. dipl.-kffr.
    dipl.-inf. dipl.-math. dipl. mag. ing. herr frau hr. fr. mme mme. mlle m. sr. sra. srta.
    dott. dott.ssa avv. arch. prof.dr. univ.-prof. priv.-doz. pd rabbi pastor capt. col. lt.
    sgt. gen. atty. coach med. med rer. nat. phil. jur. dent. vet. h.c. habil. univ. mult.
    dr.med. dr.rer.nat. dr.phil. dr.jur. dr.med.dent. dipl.-psych. dipl.-betriebsw.
    deacon deaconess canon sister brother father mother bishop archbishop cardinal elder imam
    cantor chaplain msgr msgr. mons. monsignor revd revd. ven. venerable pr. ptr. pst.
    chef sous-chef maestro maestra madame monsieur mademoiselle maître me. sœur frère père abbé
    don doña dona dña dña. dª d.ª sr sra srta lic. lic licda. lcda. ing. arq. abog. dra dra.
    dr.ª profa. prof.ª eng. eng engr. engr. cpt. maj. cmdr. adm. det. insp. sen. rep. gov.
    zahnarzt zahnärztin arzt ärztin tierarzt tierärztin rechtsanwalt rechtsanwältin ra.
    steuerberater steuerberaterin notar notarin apotheker apothekerin pfarrer pfarrerin
    mgr mgr. inż. drs. ir. ds. mr.drs. dr.ir."""
)
# Written after a name (credentials and degrees); compared without dots.
CREDENTIALS = word_set(
    """phd dphil md do dds dmd dvm od pharmd psyd edd jd llm llb mba ma ms msc mph msw mfa ba bs
    bsc beng meng cpa cfa cfp esq rn np pa pac lcsw lpc lmft pe ra aia leed ap fache facp
    facs faap cpc cma cisa cissp pmp shrm scp mbe obe cbe frcp frcs mrcp bds
    mdiv dmin rdh cda fagd mag ing aca fca acca cima tep bvsc bvms mrcvs manzcvs fanzcvs bsn
    msn dnp crna lcsw lcsw-c lmsw lpn cna pht ot otr pt dpt mpt slp ccc-slp atc cscs rd ld
    dc nd realtor gri crs abr csp chfc clu cltc cpcu aif ricc frics mrics riba arb
    frcpc frcsc fracs fracp mbbs mbchb bchd dip hons oxon cantab mcsp hcpc frsa qc kc sc
    cfre cae ccim crm mcp mcse acp acc pcc mcc"""
)
# Words that mark a text as a role, a place or an instruction rather than a person.
NOT_NAME_WORDS = word_set(
    """contact contacts us our the email e-mail mail phone tel fax call office department dept team
    staff directory director manager coordinator assistant associate partner counsel president
    officer chair chief head lead senior junior principal engineer specialist administrator
    secretary clerk editor writer reporter analyst consultant advisor adviser attorney lawyer
    teacher professor lecturer instructor faculty registrar nurse physician surgeon
    dentist hygienist receptionist supervisor superintendent commissioner board member members
    services service support sales info information help desk press media relations customer
    general inquiries enquiries questions send write message here click more read view
    profile bio about home website web site contact-us company inc llc ltd gmbh corp
    group center centre hospital school university college county city state department
    public works division program programs project foundation association society clinic
    studio avenue road suite floor building campus room hours monday tuesday
    wednesday thursday friday saturday sunday open closed and or of for to at in on by with
    die das und kontakt impressum geschäftsführer geschäftsführung
    vertreten durch inhaber ansprechpartner telefon adresse recruiter hiring talent careers
    jobs apply author posted by written share follow new news events menu search login
    sign log in out book now schedule appointment donate volunteer welcome meet get touch
    photography photographer photo photos design designs designer consulting consultants
    dental dentistry realty properties construction plumbing electric electrical solutions
    systems technologies labs marketing agency partners associates llp pllc plc corporation
    incorporated limited holdings ventures insurance financial accounting advisory advisors
    health medical wellness fitness yoga salon restaurant cafe bakery hotel productions films
    records publishing academy institute ministries landscaping motors repair cleaning boutique
    gallery creative studios privacy policy terms conditions cookie cookies accessibility sitemap
    copyright rights reserved discussions github district shop program operations maintenance
    management waste water quality permits permit transit airport ferry landing liaison
    improvement payable receivable equipment rental parks roads traffic engineering surveying
    fleet vegetation winter emergency capital middle elementary academy campus library museum
    facilities facility security safety human resources payroll procurement purchasing
    communications relations outreach admissions enrollment athletics counseling nursing
    treasurer vice chairman chairwoman chairperson founder co-founder cofounder owner co-owner
    proprietor ceo cfo coo cto cmo cio vp svp evp avp executive finance legal compliance
    product investor investors spokesperson spokesman spokeswoman paralegal accountant broker
    agent realtor therapist physiotherapist veterinarian optometrist pharmacist hygiene
    bookkeeper trustee trustees councillor councilmember council alderman auditor controller
    comptroller assessor planner inspector technician developer scientist researcher
    postdoc student intern curator producer sommelier pastry private events
    maintainer maintainers organiser organizer ambassador youth ministry worship"""
)
_PARTICLES = word_set(
    "van von der den de del della di da dos das du le la st. st bin ibn al el ter ten y e"
)
_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\u2019\-.])*$")
_DIGIT = re.compile(r"\d")


def _plain(word: str) -> str:
    return word.lower().replace(".", "").replace(",", "")


def clean_name(text: str) -> str:
    """Strip honorifics before and credentials after a name: 'Dr. Ann Lee, DDS' -> 'Ann Lee'."""
    text = collapse(text).strip(" ,;:|-\u2013\u2014\u00b7\u2022")
    if not text:
        return ""
    # "Lee, Ann" stays as written; "Ann Lee, DDS, MS" loses what follows the name.
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 1 and all(_is_credential_run(p, parts[0]) for p in parts[1:]):
        text = parts[0]
    elif len(parts) > 1 and len(parts[0].split()) >= 2:
        for part in parts[1:]:
            if _is_role(part):
                text = parts[0]  # "Ann Lee, Treasurer", "Ann Lee, MD, Harbourline Media"
                break
            if not _is_credential_run(part, parts[0]):
                break
    words = text.split()
    while words and _is_title(words[0], len(words)):
        words.pop(0)
    # Credentials written after the name without a comma. An acronym that could be a surname in
    # capitals ("Soo Jin KIM") goes only with a sure credential next to it ("BVSc MANZCVS").
    end, sure = len(words), False
    while end > 2:
        kind = _credential_kind(words[end - 1], words[: end - 1])
        if not kind:
            break
        sure = sure or kind == 2
        end -= 1
    if sure:
        words = words[:end]
    return " ".join(words).strip(" ,")


# Also first names or words of a name ("Don Iker", "Canon Petra"): titles only before a whole name.
_AMBIGUOUS_TITLES = word_set(
    "don dona doña sister brother father mother elder canon chef bishop cardinal judge coach"
)
# An abbreviated word before a name ("Lic.", "Arq.", "Dña."): initials are one letter.
_ABBREVIATED_TITLE = re.compile(r"^[^\W\d_][^\W\d_A-Z]{1,3}\.$")


def _is_title(word: str, count: int) -> bool:
    low = word.lower()
    if low in HONORIFICS or _plain(word) in {"dr", "prof"}:
        return count > 2 or low not in _AMBIGUOUS_TITLES
    return count > 2 and bool(_ABBREVIATED_TITLE.match(word)) and low not in _PARTICLES


# Credentials by their shape, for the many no list holds:
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,4}\.){2,5}[^\W\d_]{0,3}$")  # "T.R.P.", "B.Sc.", "Ph.D."
# "BVSc", "MBChB", "MSc": several capitals, some small letters
_DEGREE = re.compile(r"^(?=[A-Z]{0,8}[a-z])(?:[A-Z][a-z]{0,2}){2,4}$")
_ACRONYM = re.compile(r"^[A-Z]{2,8}(?:-[A-Z]{1,4})?$")  # "FCA", "LCSW-C", "MANZCVS"
_NAME_PREFIXES = ("Mc", "Mac", "Le", "La", "De", "Di", "Da", "Du", "Van", "Von", "Fitz", "St")
_VOWELS = frozenset("AEIOUY")


def _credential_kind(word: str, before: list[str] | None = None) -> int:
    """2 for a degree or post-nominal, 1 for an acronym that may also be a surname written in
    capitals ("TEP", "KIM"), 0 otherwise; before is the rest of the name the word ends."""
    plain = _plain(word)
    if plain in CREDENTIALS:
        # "MA", "M.A." and "PhD" are degrees; "Ma" and "Do" are also surnames (Lin Ma, Anh Do).
        return 2 if len(plain) > 2 or word.isupper() or "." in word else 0
    if "\u00ae" in word or "\u2122" in word:
        return 2  # CFP®, REALTOR®: marks are never part of a name
    if word.startswith("(") and word.endswith(")"):
        return 2  # (Hons), (Oxon)
    if _DOTTED.match(word):
        return 2
    if _DEGREE.match(word) and not word.startswith(_NAME_PREFIXES):
        return 2  # "McKay", "LeBon" are surnames
    if _ACRONYM.match(word):
        # Only after a name not written in capitals ("JANE ROE").
        if before is None or all(w.isupper() for w in before):
            return 0
        letters = word.replace("-", "")
        if len(letters) >= 3 and not any(c in _VOWELS for c in letters):
            return 2  # "BSN", "LCSW-C", "MRCVS": no surname lacks vowels
        return 1
    return 0


def _is_credential_run(part: str, name: str = "") -> bool:
    """Credentials after a comma: "Ann Lee, FCA, CTA" (there an acronym is one)."""
    words = part.split()
    before = name.split() or None
    return bool(words) and all(_credential_kind(w, before) for w in words)


def _is_role(part: str) -> bool:
    """A job title or an organisation: some word of it marks a role, not a person."""
    return any(w.lower().strip(".&()") in NOT_NAME_WORDS for w in part.split())


def looks_like_name(text: str) -> bool:
    """Two to five words, each capitalised (or a particle or initial), no role words."""
    if not text or len(text) > 60 or "@" in text or _DIGIT.search(text):
        return False
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 5:
        return False
    capitalised = 0
    for word in words:
        low = word.lower().strip(".")
        if low in NOT_NAME_WORDS:
            return False
        if low in _PARTICLES:
            continue
        if not _TOKEN.match(word):
            return False
        if not word[0].isupper():
            return False
        capitalised += 1
    return capitalised >= 2


_PIECE_BREAK = re.compile(r"[:;|\u00b7\u2022()\[\]<>/\u2013\u2014\"\u201c\u201d,]| - ")


def _is_name_token(word: str) -> bool:
    low = word.lower()
    if low in HONORIFICS or low in _PARTICLES:
        return True
    return bool(_TOKEN.match(word)) and word[0].isupper()


def _is_edge_word(word: str) -> bool:
    low = word.lower().strip(".")
    return low in NOT_NAME_WORDS or low in _PARTICLES


def _ends_sentence(word: str) -> bool:
    """A full stop after a whole word (not an initial like "J." or a title like "Dr.")."""
    return (
        word.endswith(".")
        and len(word) > 3
        and word.lower() not in HONORIFICS
        and "." not in word[:-1]
    )


def _after_role_words(run: list[str]) -> list[str]:
    """A run of capitalised words, trimmed of role words at its ends, then what follows the last
    role word left inside it: "Private Events Director Ann Lee" -> ["Ann", "Lee"] (a title
    written before the name). Particles stay: "Anneke de Vries"."""
    while run and _is_edge_word(run[0]):
        run.pop(0)
    while run and _is_edge_word(run[-1]):
        run.pop()
    for index in range(len(run) - 1, -1, -1):
        low = run[index].lower().strip(".")
        if low in NOT_NAME_WORDS and low not in _PARTICLES:
            run = run[index + 1 :]
            while run and _is_edge_word(run[0]):
                run.pop(0)
            break
    return run


def names_within(text: str) -> list[str]:
    """Names inside a longer text: 'Office lead: Ann Lee ·' -> ['Ann Lee']."""
    found = []
    for piece in _PIECE_BREAK.split(text):
        run: list[str] = []
        for word in [*piece.split(), ""]:
            if word and _is_name_token(word):
                if _ends_sentence(word):
                    run.append(word[:-1])  # "… Osteria Roma. All rights reserved"
                    word = ""
                else:
                    run.append(word)
                    continue
            run = _after_role_words(run)
            if len(run) >= 2:
                name = clean_name(" ".join(run))
                if looks_like_name(name):
                    found.append(name)
            run = []
    return found


_NAME_PARTS = re.compile(r"[\s\-'\u2019.]+")
_NOT_LETTER = re.compile(r"[^a-z]")


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def squashed(name: str) -> str:
    """Letters only, folded to ASCII: "Osteria Roma" -> "osteriaroma"."""
    return _NOT_LETTER.sub("", _fold(name))


@functools.lru_cache(maxsize=8192)
def local_part_match(name: str, address: str) -> int:
    """How well a name fits a mailbox: 2 for a surname (or full name) in it, 1 for initials.

    Every part of a surname counts ("atremblay" for Ann Tremblay-Nakashima), and a first name
    counts after an unknown word in front ("marcus" for "Chef Marcus Lindgren").
    """
    local = _fold(address.rpartition("@")[0])
    words = [w for w in _NAME_PARTS.split(_fold(name)) if w]
    if not words:
        return 0
    squashed = _NOT_LETTER.sub("", local)
    if not squashed:
        return 0
    first = words[0]
    for word in words[1:]:
        if len(word) >= 3 and word not in _PARTICLES and word in squashed:
            return 2
    if len(first) >= 3 and first in squashed:
        return 2 if squashed.startswith(first) else 1
    initials = "".join(w[0] for w in words)
    if len(initials) >= 2 and squashed == initials:  # "jd4421" for Jane Doe, not "wcmsoffice"
        return 1
    if len(initials) >= 3 and squashed == initials[1:]:  # "Chef Jane Doe" for "jd4421"
        return 1
    return 0


def _starts_mailbox(first: str, rest: list[str], squashed: str) -> bool:
    """Whether a mailbox starts with this first name, or its initial and a later name part."""
    if len(first) >= 2 and squashed.startswith(first):
        return True
    return squashed[:1] == first[:1] and any(
        len(w) >= 3 and squashed[1:].startswith(w) for w in rest
    )


def fit_to_mailbox(name: str, address: str) -> str:
    """Drops an unknown title in front of a name the mailbox is made of: "Stadtrat Olaf Berg"
    with olaf@ or oberg@ -> "Olaf Berg". A first name or initial the mailbox starts with stays."""
    words = name.split()
    if len(words) < 3:
        return name
    squashed = _NOT_LETTER.sub("", _fold(address.rpartition("@")[0]))
    last = _fold(words[-1]).lower()
    surname = _NOT_LETTER.sub("", _fold(words[-2]))
    if (
        _credential_kind(words[-1], words[:-1]) == 1
        and len(surname) >= 3
        and surname in squashed
        and last not in squashed
    ):
        # "Jo Lee FRACDS" with jlee@: the mailbox names the surname before the acronym.
        words = words[:-1]
        name = " ".join(words)
        if len(words) < 3:
            return name
    if len(words[0].rstrip(".")) < 2 or words[0].lower() in _PARTICLES:
        return name
    parts = [_NOT_LETTER.sub("", _fold(w)) for w in words]
    if not squashed or not all(parts[:2]):
        return name
    second_parts = [p for w in words[2:] for p in _NAME_PARTS.split(_fold(w)) if p]
    if _starts_mailbox(parts[1], second_parts, squashed) and not _starts_mailbox(
        parts[0], [parts[1], *second_parts], squashed
    ):
        return " ".join(words[1:])
    return name
