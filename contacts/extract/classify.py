"""Email types: SERVICE (a role mailbox), CORPORATE (the site's own domain), FREE (webmail)."""

import re

from .domains import registered_domain
from .text import word_set

SERVICE = "SERVICE"
CORPORATE = "CORPORATE"
FREE = "FREE"
UNKNOWN = "UNKNOWN"

ROLE_MAILBOXES = word_set(
    """info information sales support contact contacts contactus help helpdesk admin administrator
    webmaster service services customerservice customercare care office hello hi press media news
    newsroom pr careers career jobs job recruiting recruitment hr humanresources team enquiries
    enquiry inquiries inquiry general mail email postmaster hostmaster abuse security privacy legal
    compliance billing accounts accounting finance invoices invoice payments orders order shop
    store booking bookings reservations reservation events marketing partners partnerships
    sponsors sponsorship feedback noreply no-reply donotreply do-not-reply notifications alerts
    newsletter subscribe membership members admissions registrar reception frontdesk boxoffice
    tickets ticketing groups access accessibility investors ir community studio kontakt
    verwaltung buero bureau secretariat sekretariat dispatch operations ops it tech
    dev developers api appointments appointment schedule scheduling volunteer volunteers
    donate donations giving development grants speakers register registration
    datenschutz bewerbung bewerbungen karriere jobs presse vertrieb buchhaltung rechnung
    rechnungen empfang anfrage anfragen kundenservice zentrale post sekretariat
    accueil recrutement commercial comptabilite contacto informacion ventas soporte reservas
    ordini amministrazione segreteria"""
)
FREE_MAIL_DOMAINS = word_set(
    """gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.de yahoo.fr yahoo.ca yahoo.com.au
    ymail.com rocketmail.com outlook.com outlook.de hotmail.com hotmail.co.uk hotmail.de
    hotmail.fr live.com live.co.uk msn.com aol.com icloud.com me.com mac.com gmx.de gmx.net
    gmx.com gmx.at gmx.ch web.de t-online.de freenet.de posteo.de mailbox.org proton.me
    protonmail.com protonmail.ch pm.me tutanota.com tuta.io zoho.com zohomail.com yandex.com
    yandex.ru mail.ru inbox.ru bk.ru list.ru mail.com email.com fastmail.com fastmail.fm
    hey.com hushmail.com qq.com 163.com 126.com naver.com daum.net orange.fr wanadoo.fr free.fr
    laposte.net sfr.fr libero.it virgilio.it btinternet.com sky.com virginmedia.com
    comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net
    earthlink.net optonline.net rogers.com shaw.ca sympatico.ca bigpond.com
    optusnet.com.au seznam.cz wp.pl o2.pl onet.pl interia.pl"""
)
_SEPARATORS = re.compile(r"[._\-+]")


def is_role_mailbox(address: str) -> bool:
    local = address.rpartition("@")[0].lower()
    if local in ROLE_MAILBOXES:
        return True
    parts = [p for p in _SEPARATORS.split(local) if p]
    if local.rstrip("0123456789") in ROLE_MAILBOXES:
        return True
    return len(parts) > 1 and len(parts[0]) >= 4 and parts[0] in ROLE_MAILBOXES


def email_type(address: str, page_host: str) -> str:
    if is_role_mailbox(address):
        return SERVICE
    domain = address.rpartition("@")[2].lower()
    registered = registered_domain(domain)
    if registered and registered == registered_domain(page_host):
        return CORPORATE
    if domain in FREE_MAIL_DOMAINS or registered in FREE_MAIL_DOMAINS:
        return FREE
    return UNKNOWN
