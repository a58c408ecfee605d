"""The legal texts a notice cites, kept by the office with the date each version takes effect.

Laws change (the Ecological Environment Code replaced the Air Pollution Prevention Law on 2026-08-15), and a
notice must cite what was in force on its own date, so the office keeps a list of versions and a notice takes the
newest one whose effective date is not after the notice date. The shipped versions are defaults that the office
must check against the official texts (article numbers in particular): they say so (`verified` false) until an
admin saves a checked version."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.storage import audit
from dieselwatch.storage.models import Setting
from dieselwatch.workspace import Workspace

SETTING_KEY = "legal"  # one settings row holds the list of versions
MAX_TEXT = 1000

# Reason categories of the judge -> the consequence text a notice prints for them.
CATEGORIES = ("tamper", "emission", "obd", "data")


@dataclass(frozen=True)
class LegalTexts:
    effective_from: str  # ISO date
    title: str  # what the office calls this version, e.g. 生态环境法典施行后
    basis: str  # "依据{basis}的规定，现责令你（单位）限期整改"
    consequence_tamper: str
    consequence_emission: str
    consequence_obd: str
    consequence_data: str
    # {body} and {court} are filled from the bureau settings (reconsideration body, court).
    rights: str
    verified: bool = False  # False: a shipped default not yet checked by the office against the official text

    def consequence(self, category: str) -> str:
        return getattr(self, f"consequence_{category}")


_RIGHTS = ("如对本通知不服，可以自收到本通知之日起六十日内向{body}申请行政复议，"
           "也可以自收到本通知之日起六个月内依法向{court}提起行政诉讼。")
_CONTINUE = "我局将继续对该车实施重点监管，加密路检路查和入户检查"

DEFAULTS: tuple[LegalTexts, ...] = (
    LegalTexts(
        effective_from="2018-10-26",
        title="《大气污染防治法》（2018年修正）施行期间（出厂默认，须核对）",
        basis="《中华人民共和国大气污染防治法》第五十三条、第五十五条和《山东省机动车排气污染防治条例》",
        consequence_tamper=("经查实存在破坏机动车车载排放诊断系统等弄虚作假行为的，依据《中华人民共和国大气污染防治法》"
                            "第一百一十二条，由生态环境主管部门责令改正，对机动车所有人处五千元罚款，对机动车维修单位"
                            "处每辆机动车五千元罚款。"),
        consequence_emission=f"逾期未整改或整改后排放仍不达标的，{_CONTINUE}，并依法处理。",
        consequence_obd=f"逾期未排除故障的，{_CONTINUE}，并安排复检。",
        consequence_data=f"逾期未恢复车载终端联网和数据传输的，{_CONTINUE}，并安排现场检查。",
        rights=_RIGHTS,
    ),
    LegalTexts(
        effective_from="2026-08-15",
        title="《生态环境法典》施行后（出厂默认，条款号须由本单位依官方文本补充）",
        basis="《中华人民共和国生态环境法典》关于机动车大气污染防治的规定和《山东省机动车排气污染防治条例》",
        consequence_tamper=("经查实存在破坏机动车车载排放诊断系统等弄虚作假行为的，依据《中华人民共和国生态环境法典》"
                            "的有关规定，由生态环境主管部门责令改正，并依法予以处罚。"),
        consequence_emission=f"逾期未整改或整改后排放仍不达标的，{_CONTINUE}，并依法处理。",
        consequence_obd=f"逾期未排除故障的，{_CONTINUE}，并安排复检。",
        consequence_data=f"逾期未恢复车载终端联网和数据传输的，{_CONTINUE}，并安排现场检查。",
        rights=_RIGHTS,
    ),
)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The single basis text of earlier versions (settings notices.legal_basis), as shipped.
_OLD_DEFAULT_BASIS = ("《中华人民共和国大气污染防治法》第五十三条、第五十五条、第一百一十二条；"
                      "《山东省机动车排气污染防治条例》")


def _check(v: dict, where: str) -> LegalTexts:
    names = {f.name for f in fields(LegalTexts)}
    unknown = sorted(set(v) - names)
    if unknown:
        raise InputError(Msg("legal texts {where}: unknown key(s) {keys}; keys are: {known}", where=where,
                             keys=joined(unknown), known=joined(sorted(names))))
    missing = sorted(n for n in names - {"verified"} if not str(v.get(n) or "").strip())
    if missing:
        raise InputError(Msg("legal texts {where}: {keys} must not be empty", where=where, keys=joined(missing)))
    # Exactly YYYY-MM-DD: versions are ordered and picked by this text, and fromisoformat alone also takes
    # 20260101 (which would sort after every dashed date and put the wrong law on a notice).
    when = v["effective_from"]
    try:
        if not (isinstance(when, str) and _ISO_DAY.fullmatch(when.strip())):
            raise ValueError(when)
        date.fromisoformat(when.strip())
    except ValueError:
        raise InputError(Msg("legal texts {where}: effective_from must be a date YYYY-MM-DD, got “{value}”",
                             where=where, value=when)) from None
    wrong = sorted(k for k, val in v.items() if (k == "verified" and not isinstance(val, bool))
                   or (k != "verified" and not isinstance(val, str)))
    if wrong:
        raise InputError(Msg("legal texts {where}: {keys} must be text (verified: true or false)", where=where,
                             keys=joined(wrong)))
    for k, val in v.items():
        if isinstance(val, str) and len(val) > MAX_TEXT:
            raise InputError(Msg("legal texts {where}: {key} is longer than {limit} characters", where=where, key=k,
                                 limit=MAX_TEXT))
    try:
        str(v["rights"]).format(body="", court="")
    except (KeyError, IndexError, ValueError):
        raise InputError(Msg("legal texts {where}: rights may use only {{body}} and {{court}}", where=where)) from None
    out: dict[str, Any] = {k: (val.strip() if isinstance(val, str) else val) for k, val in v.items()}  # checked above
    return LegalTexts(**out)


def legal_versions(ws: Workspace) -> list[LegalTexts]:
    """The office's versions, oldest first; the shipped defaults until an admin saves others."""
    with ws.Session() as s:
        row = s.get(Setting, SETTING_KEY)
        stored = row.value.get("versions") if row is not None and isinstance(row.value, dict) else None
        old = s.get(Setting, "notices")
        old_basis = old.value.get("legal_basis") if old is not None and isinstance(old.value, dict) else None
    if not stored:
        if old_basis and old_basis != _OLD_DEFAULT_BASIS:
            # Before versions existed an office could edit one basis text: keep it for the period it was written
            # in rather than dropping it silently.
            return [replace(DEFAULTS[0], basis=old_basis), *DEFAULTS[1:]]
        return list(DEFAULTS)
    return sorted((LegalTexts(**v) for v in stored), key=lambda t: t.effective_from)


def in_force(versions: list[LegalTexts], day: date) -> LegalTexts:
    """The newest version whose effective date is not after `day`."""
    usable = [t for t in versions if date.fromisoformat(t.effective_from) <= day]
    if not usable:
        first = min(t.effective_from for t in versions)
        raise InputError(Msg("no legal texts in force on {day}: the earliest version takes effect on {first}",
                             day=day.isoformat(), first=first))
    return max(usable, key=lambda t: t.effective_from)


def set_legal_versions(ws: Workspace, versions: object, reason: str | None = None) -> list[LegalTexts]:
    """Replace the office's versions (admin, audited, all or nothing)."""
    from dieselwatch.services.users import require

    require(ws, "admin")
    if not isinstance(versions, list) or not versions:
        raise InputError(Msg("legal texts must be a non-empty list of versions"))
    checked = [_check(v if isinstance(v, dict) else {}, f"#{i + 1}") for i, v in enumerate(versions)]
    dates = [t.effective_from for t in checked]
    dup = sorted({d for d in dates if dates.count(d) > 1})
    if dup:
        raise InputError(Msg("legal texts: two versions take effect on {dates}", dates=joined(dup)))
    checked.sort(key=lambda t: t.effective_from)
    before = [asdict(t) for t in legal_versions(ws)]
    after = [asdict(t) for t in checked]
    with ws.Session.begin() as s:
        row = s.get(Setting, SETTING_KEY)
        if row is None:
            s.add(Setting(key=SETTING_KEY, value={"versions": after}))
        else:
            row.value = {"versions": after}
        audit.append(s, ws.user, "settings.update", "settings", SETTING_KEY, before={"versions": before},
                     after={"versions": after}, reason=reason)
    return checked


def unverified_warning(ws: Workspace, day: date) -> str | None:
    """A reminder while the texts a notice of `day` would cite are shipped defaults nobody has checked."""
    try:
        t = in_force(legal_versions(ws), day)
    except InputError as exc:
        return exc.reason
    if t.verified:
        return None
    return Msg("the legal texts in force on {day} (version of {since}) are shipped defaults: check the article "
               "numbers against the official texts and save them as verified (dieselwatch settings legal --set FILE)",
               day=day.isoformat(), since=t.effective_from)
