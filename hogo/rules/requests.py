"""A person's own requests (本人からの請求, R-601-R-608): the kinds, what a refusal may rest on,
when the answer is due, from when the person may sue, and what may be charged.

Two regimes. A public body (行政機関等, Act Chapter 5) decides within 30 days from the day after
the request arrived (Art. 83(1)), the days it waited for the requester's correction (補正) not
counted, extendable once by up to 30 days with a written notice (Art. 83(2)), a very large
request in part within 60 days (Art. 84). A business (個人情報取扱事業者, Chapter 4) answers
"without delay" (Arts. 32-35): a target day from its profile, and the day from which the person
may sue (Art. 39: two weeks after the request reached it).

Framework-free: codes and dates only; the requests app words them.
"""

from __future__ import annotations

# The kinds of request, codes shared by the app, the CLI and the API.
PURPOSE_NOTIFICATION = "purpose_notification"
DISCLOSURE = "disclosure"
CORRECTION = "correction"
SUSPENSION = "suspension"
PROVISION_STOP = "provision_stop"
KINDS = (PURPOSE_NOTIFICATION, DISCLOSURE, CORRECTION, SUSPENSION, PROVISION_STOP)
# No fee may be charged for these (Act Art. 38(1) [33]; Art. 89 for public bodies): R-606.
FREE_KINDS = (CORRECTION, SUSPENSION, PROVISION_STOP)
# Kinds a public body must receive within `requests.after_disclosure_days` of the disclosure
# (Arts. 90(3), 98(3)).
AFTER_DISCLOSURE_KINDS = (CORRECTION, SUSPENSION, PROVISION_STOP)

# What a disclosure decision may be: everything, a part (the rest refused on grounds), nothing
# (on grounds), the data does not exist, or (public bodies, Art. 81) neither confirmed nor denied.
DISCLOSE = "disclose"
PARTIAL = "partial"
REFUSE = "refuse"
NOT_EXIST = "not_exist"
NEITHER_CONFIRM_NOR_DENY = "neither_confirm_nor_deny"
# A correction or stop request: carried out, carried out in part, not carried out (no merit
# or on grounds), or a different measure instead (Art. 35(2) proviso; Art. 36 reasons).
CARRY_OUT = "carry_out"
ALTERNATIVE = "alternative"
OUTCOMES = {
    PURPOSE_NOTIFICATION: (DISCLOSE, REFUSE),
    DISCLOSURE: (DISCLOSE, PARTIAL, REFUSE, NOT_EXIST, NEITHER_CONFIRM_NOR_DENY),
    CORRECTION: (CARRY_OUT, PARTIAL, REFUSE, NOT_EXIST),
    SUSPENSION: (CARRY_OUT, PARTIAL, ALTERNATIVE, REFUSE, NOT_EXIST),
    PROVISION_STOP: (CARRY_OUT, PARTIAL, ALTERNATIVE, REFUSE, NOT_EXIST),
}
# Outcomes that need at least one refusal ground (and always a written reason).
NEEDS_GROUNDS = (PARTIAL, REFUSE, NEITHER_CONFIRM_NOR_DENY)

# The only grounds on which disclosure may be refused, with their articles.
# A business: Art. 33(2) items 1-3 [28(2)].
BUSINESS_GROUNDS = (
    ("harm", "33(2)(i)"),               # harm to the life, body, property or rights of anyone
    ("business_hindrance", "33(2)(ii)"),  # serious hindrance to the business
    ("other_law", "33(2)(iii)"),         # disclosure would breach another law
)
# A public body: the information Art. 78(1) lists as not to be disclosed.
PUBLIC_GROUNDS = (
    ("requester_harm", "78(1)(i)"),      # would harm the requester's life, health, living or property
    ("third_party", "78(1)(ii)"),        # about another individual (other people in the footage)
    ("corporate", "78(1)(iii)"),         # a corporation's legitimate interests
    ("national_security", "78(1)(iv)"),  # national security, trust of other states
    ("public_safety", "78(1)(v)"),       # crime prevention, investigation, public safety
    ("deliberation", "78(1)(vi)"),       # deliberation inside or between bodies
    ("administration", "78(1)(vii)"),    # proper conduct of the body's affairs
)
GROUNDS = {"private_business": BUSINESS_GROUNDS, "public_body": PUBLIC_GROUNDS}

# Who asks: the person, a legal representative (of a minor or an adult ward) or a
# holder of the person's power of attorney (任意代理人).
REQUESTER_SELF = "self"
REQUESTER_LEGAL = "legal_representative"
REQUESTER_ATTORNEY = "attorney"
REQUESTER_TYPES = (REQUESTER_SELF, REQUESTER_LEGAL, REQUESTER_ATTORNEY)

# How the person wants the disclosure (開示の実施の方法): viewing at the office, paper, a file.
METHODS = ("view", "paper", "electronic")
