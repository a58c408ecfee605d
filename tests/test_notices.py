"""Rectification notices and the publication workbooks: what is printed, numbering, print set-up, formula
injection through the whole path, and that a notice written again is the same notice."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from test_lists import as_user, fake_run, make_office

from dieselwatch.errors import Cancelled, InputError
from dieselwatch.progress import CancelToken
from dieselwatch.scoring.rules import default_rules
from dieselwatch.services import lists, notices
from dieselwatch.services.publication import export_publication, export_score_report
from dieselwatch.services.registry import import_registry
from dieselwatch.services.scoring import score_period
from dieselwatch.services.settings import update_settings
from dieselwatch.storage.models import Vehicle

PAYLOADS = {"owner": "=HYPERLINK(\"http://x\",\"点我\")", "contact": "+86 531 1234", "address": "@SUM(A1:A9)",
            "engine": "-2+3", "terminal": "\tT1\r"}


def cells(path) -> dict[str, object]:
    wb = load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def text_of(path) -> str:
    return "\n".join(str(v) for v in cells(path).values())


@pytest.fixture()
def listed(loaded_ws, manifest, demo_dir, tmp_path):
    """Scored, proposed and black entries approved, with hostile registry text for the high emitter."""
    ws = loaded_ws
    behaviour = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    hi_vin = next(v for v, b in behaviour.items() if b == "high_emitter")
    wb = load_workbook(demo_dir / "registry.xlsx")
    sheet = wb.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == hi_vin:
            for i, key in ((2, "owner"), (3, "contact"), (4, "address"), (8, "engine"), (10, "terminal")):
                row[i].value = PAYLOADS[key]
                row[i].data_type = "s"  # text that looks like a formula, as a platform export carries it
    wb.save(tmp_path / "registry_hostile.xlsx")
    make_office(ws)
    as_user(ws, "chief")
    update_settings(ws, {"bureau.name": "=济南市生态环境局平阴分局", "bureau.code": "鲁济平",
                         "bureau.phone": "0531-87881234", "bureau.contact": "张科长",
                         "bureau.address": "平阴县青龙路1号", "bureau.reconsideration_body": "平阴县人民政府",
                         "notices.deadline_days": 20})
    as_user(ws, "wang")
    import_registry(ws, tmp_path / "registry_hostile.xlsx")
    score_period(ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    lists.propose_from_run(ws)
    as_user(ws, "li")
    black = list(lists.entries(ws, kind="black", status="proposed"))
    for e in black:
        lists.decide(ws, e["id"], True, "复核属实")
    as_user(ws, "wang")
    ws.hi_vin, ws.behaviour, ws.n_black = hi_vin, behaviour, len(black)
    return ws


def test_one_notice_per_black_entry_with_numbers_never_reused(listed):
    refs = notices.issue_notices(listed, today=date(2026, 11, 24))
    assert len(refs) == listed.n_black >= 8
    assert [r.number for r in refs[:2]] == ["鲁济平环机整〔2026〕0001号", "鲁济平环机整〔2026〕0002号"]
    assert notices.issue_notices(listed) == []  # each entry has its notice already
    # A new pattern and a new year: the running number continues per bureau and year, never restarting.
    as_user(listed, "chief")
    update_settings(listed, {"notices.number_pattern": "{code}整改〔{year}〕第{seq}号"})
    with pytest.raises(InputError, match="seq"):
        update_settings(listed, {"notices.number_pattern": "{code}〔{year}〕"})
    # Two vehicles black-listed later, one notice each side of New Year.
    clean = [v for v, b in listed.behaviour.items() if b in ("clean", "cold_urban")][:2]
    with listed.Session() as s:
        vids = [s.scalar(select(Vehicle.id).where(Vehicle.vin == v)) for v in clean]
    as_user(listed, "wang")
    for vid in vids:
        lists.propose_from_run(listed, fake_run(listed, {vid: "black"}, date(2026, 11, 1), date(2026, 11, 30)))
    as_user(listed, "li")
    new = lists.entries(listed, kind="black", status="proposed")
    for e in new:
        lists.decide(listed, e["id"], True, "复核属实")
    as_user(listed, "wang")
    late = notices.issue_notices(listed, [new[0]["id"]], today=date(2026, 12, 31))
    early = notices.issue_notices(listed, [new[1]["id"]], today=date(2027, 1, 2))
    assert late[0].number == f"鲁济平整改〔2026〕第{len(refs) + 1}号"
    assert early[0].number == "鲁济平整改〔2027〕第1号"
    numbers = [n["number"] for n in notices.list_notices(listed)]
    assert len(set(numbers)) == len(numbers) == len(refs) + 2


def n_content(ws, notice_id: int) -> dict:
    from dieselwatch.storage.models import Notice

    with ws.Session() as s:
        return s.get(Notice, notice_id).content


def test_notice_contents_and_print_setup(listed, tmp_path):
    res = notices.export_notices(listed, tmp_path / "out")
    assert res.issued == res.notices == listed.n_black and len(res.files) == res.notices
    # One template serves the batch: nothing of one notice may leak into the next.
    for f, n in zip(res.files, notices.list_notices(listed), strict=True):
        ws = load_workbook(f).active
        assert [v for v in listed.behaviour if v in text_of(f)] == [n["vin"]]
        n_evidence = sum(1 for k in n_content(listed, n["id"]) if k.startswith("ev") and k.endswith("_item"))
        assert sum(1 for d in ws.row_dimensions.values() if d.hidden) == notices.EVIDENCE_ROWS - n_evidence
    hi = next(f for f in res.files if listed.hi_vin in text_of(f))
    values = cells(hi)
    text = "\n".join(map(str, values.values()))
    wb = load_workbook(hi)
    ws = wb.active
    assert ws.title == "整改通知书"
    assert "机动车排气污染整改通知书" in text and listed.hi_vin in text
    # Issued today (after 2026-08-15): the Ecological Environment Code, not the replaced Air Pollution law.
    assert "《中华人民共和国生态环境法典》" in text and "大气污染防治法》" not in text
    assert "整改期限" in text and "盖章" in text
    # Evidence: the figures behind the listing, with the rule set and period; a ppm figure is a screening
    # threshold, never a limit, and no internal reason code reaches the owner.
    assert "NOx超过筛查阈值的时间占比" in text and "SCR热态转化效率" in text and "超过筛查阈值的天数" in text
    assert "限值" not in text and not re.search(r"\b[A-Z]{3,}_[A-Z_]+\b|BSNOX", text)
    assert "2026-10-01" in text and f"评分规则版本{default_rules().version}" in text
    # The owner's rights, whom to call, and who signed.
    assert "六十日内向平阴县人民政府申请行政复议" in text and "六个月内依法向有管辖权的人民法院提起行政诉讼" in text
    assert "联系人：张科长" in text and "平阴县青龙路1号" in text and "经办人：王磊" in text
    # Deadline: 20 days (settings) after issue.
    n = notices.list_notices(listed)[0]
    issued = date.fromisoformat(n["issued_at"][:10])
    assert (n["deadline"] - issued).days == 20
    # Audit chain head printed on the notice.
    assert "审计链头" in text
    # Print-ready: A4, one page wide, print area, page numbers in the footer.
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_area
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert any(c.font.name == "宋体" for row in ws.iter_rows() for c in row if c.value)
    assert ws.page_margins.left >= 0.5
    # No {{marker}} is left behind, and unused evidence rows are hidden.
    assert "{{" not in text
    assert any(d.hidden for d in ws.row_dimensions.values())


def test_formula_injection_neutralised_through_the_whole_path(listed, tmp_path):
    res = notices.export_notices(listed, tmp_path / "out")
    pub = export_publication(listed, tmp_path / "pub.xlsx")
    report = export_score_report(listed, tmp_path / "report.xlsx")
    for path in [*res.files, pub, report]:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", f"{path} {ws.title}!{c.coordinate} is a formula: {c.value!r}"
                    if isinstance(c.value, str):
                        assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (path, c.coordinate, c.value)
                        assert "\t" not in c.value or ws.title != "整改通知书"
    hi = next(f for f in res.files if listed.hi_vin in text_of(f))
    text = text_of(hi)
    assert "'=HYPERLINK" in text and "'@SUM(A1:A9)" in text and "'=济南市生态环境局平阴分局" in text
    assert "'+86 531 1234" in text


def test_a_notice_written_again_later_is_the_same(listed, tmp_path):
    first = notices.export_notices(listed, tmp_path / "a")
    # The registry changes afterwards, and so do the settings: the issued notice does not.
    as_user(listed, "chief")
    update_settings(listed, {"bureau.name": "另一个局", "notices.deadline_days": 5})
    as_user(listed, "wang")
    again = notices.export_notices(listed, tmp_path / "b", issue_missing=False)
    assert again.issued == 0 and len(again.files) == len(first.files)
    for a, b in zip(sorted(first.files), sorted(again.files), strict=True):
        assert cells(a) == cells(b)


def test_one_workbook_with_a_sheet_each_and_cancel(listed, tmp_path):
    refs = notices.issue_notices(listed)
    res = notices.export_notices(listed, tmp_path / "wb", one_workbook=True)
    wb = load_workbook(res.files[0])
    assert len(wb.worksheets) == len(refs)
    assert {ws.title for ws in wb.worksheets} == {r.plate for r in refs}
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.print_area
    token = CancelToken()
    seen = []

    def progress(fraction, message):
        seen.append(message)
        if len(seen) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        notices.export_notices(listed, tmp_path / "cancelled", progress=progress, cancel=token)
    written = list((tmp_path / "cancelled").glob("*.xlsx"))
    assert 1 <= len(written) < len(refs)
    for f in written:
        load_workbook(f)  # what was written is whole
    assert not list((tmp_path / "cancelled").glob("*.tmp"))


def test_publication_and_score_report(listed, tmp_path):
    pub = load_workbook(export_publication(listed, tmp_path / "pub.xlsx"))
    assert pub.sheetnames == ["黑名单", "白名单"]
    black = pub["黑名单"]
    assert black["B1"].value == "车牌号" and black.max_row == listed.n_black + 1
    assert black.freeze_panes == "A2" and black.auto_filter.ref and black.print_title_rows
    assert black.page_setup.orientation == "landscape"
    # Private owners' VINs are shortened (the high emitter's owner is a hostile text, so treated as a person).
    printed = [black.cell(r, 3).value for r in range(2, black.max_row + 1)]
    vins = [next(v for v in listed.behaviour if v.endswith(p.lstrip("*"))) for p in printed]
    assert listed.hi_vin in vins and f"***********{listed.hi_vin[-6:]}" in printed
    assert all(listed.behaviour[v] not in ("clean", "cold_urban") for v in vins)
    report = load_workbook(export_score_report(listed, tmp_path / "report.xlsx"))
    sheet = report.active
    assert sheet.max_row == len(listed.behaviour) + 1
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == listed.hi_vin)
    assert row[4] == "黑名单" and row[3] < 60 and "EXC_SHARE" in row[12]


def test_notices_need_a_signed_in_officer(ws):
    from dieselwatch.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        notices.issue_notices(ws)


def notice_text_for(listed, tmp_path, behaviour: str, today: date) -> str:
    """Issue (as of `today`) and write the notice of the first black entry of a vehicle with that behaviour."""
    entry = next(e for e in lists.entries(listed, kind="black", status="active")
                 if listed.behaviour.get(e["vin"]) == behaviour)
    ref = notices.issue_notices(listed, [entry["id"]], today=today)[0]
    res = notices.export_notices(listed, tmp_path / behaviour, notice_ids=[ref.id], issue_missing=False)
    return text_of(res.files[0])


def test_consequences_follow_the_reasons_and_the_law_in_force(listed, tmp_path):
    behaviours = {listed.behaviour[e["vin"]] for e in lists.entries(listed, kind="black", status="active")}
    assert {"high_emitter", "down_stuck_zero"} <= behaviours, behaviours
    emitter = notice_text_for(listed, tmp_path, "high_emitter", date(2026, 8, 14))
    # The tampering penalty is for tampering only; a notice dated before 2026-08-15 cites the old law.
    assert "破坏机动车车载排放诊断系统" not in emitter and "排放仍不达标" in emitter
    assert "《中华人民共和国大气污染防治法》第五十三条" in emitter and "生态环境法典" not in emitter
    tamper = notice_text_for(listed, tmp_path, "down_stuck_zero", date(2026, 8, 15))
    assert "破坏机动车车载排放诊断系统" in tamper and "《中华人民共和国生态环境法典》" in tamper


def test_a_notice_needs_the_office_contact_and_the_signers_name(listed):
    as_user(listed, "chief")
    update_settings(listed, {"bureau.contact": "", "bureau.phone": ""})
    as_user(listed, "wang")
    with pytest.raises(InputError, match=r"bureau\.contact, bureau\.phone"):
        notices.issue_notices(listed)
    as_user(listed, "chief")
    update_settings(listed, {"bureau.contact": "张科长", "bureau.phone": "0531-87881234"})
    from dieselwatch.services import users
    from dieselwatch.storage.models import User

    with listed.Session.begin() as s:  # an account from before display names were asked for
        s.scalar(select(User).where(User.username == "wang")).display_name = None
    as_user(listed, "wang")
    with pytest.raises(InputError, match="no display name"):
        notices.issue_notices(listed)
    assert notices.list_notices(listed) == []
    as_user(listed, "chief")
    users.update_user(listed, "wang", display_name=" 王磊 ")
    as_user(listed, "wang")
    assert len(notices.issue_notices(listed)) == listed.n_black


def test_legal_texts_are_versions_the_office_keeps(listed, tmp_path):
    from dataclasses import asdict

    from dieselwatch.services import legal
    from dieselwatch.services.auditlog import verify

    shipped = legal.legal_versions(listed)
    assert [v.effective_from for v in shipped] == ["2018-10-26", "2026-08-15"] and not any(v.verified for v in shipped)
    assert legal.in_force(shipped, date(2026, 8, 14)).effective_from == "2018-10-26"
    assert legal.in_force(shipped, date(2026, 8, 15)).effective_from == "2026-08-15"
    assert legal.unverified_warning(listed, date(2026, 11, 25)) is not None
    mine = [asdict(v) for v in shipped]
    mine[1].update(basis="《中华人民共和国生态环境法典》第一千条（核对后）", verified=True)
    with pytest.raises(Exception, match="admin"):
        legal.set_legal_versions(listed, mine)
    as_user(listed, "chief")
    for bad, match in (([{**mine[0], "effective_from": "2026-13-01"}], "YYYY-MM-DD"),
                       ([{**mine[0], "basis": " "}], "basis"), ([{**mine[0], "extra": 1}], "extra"),
                       ([mine[0], mine[0]], "two versions"), ([{**mine[0], "rights": "{x}"}], "body")):
        with pytest.raises(InputError, match=match):
            legal.set_legal_versions(listed, bad)
    legal.set_legal_versions(listed, list(reversed(mine)), reason="核对官方文本")
    assert legal.legal_versions(listed)[1].basis.endswith("（核对后）")
    assert legal.unverified_warning(listed, date(2026, 11, 25)) is None
    assert legal.unverified_warning(listed, date(2026, 1, 5)) is not None  # the old version is still unchecked
    assert verify(listed).ok
    as_user(listed, "wang")
    text = notice_text_for(listed, tmp_path, "high_emitter", date(2026, 11, 25))
    assert "第一千条（核对后）" in text


def test_the_publication_masks_private_owners(listed, tmp_path):
    from dieselwatch.services.privacy import is_firm, mask_person, published_owner, short_vin

    with listed.Session.begin() as s:
        vins = [e["vin"] for e in lists.entries(listed, kind="black", status="active")]
        cars = [s.scalar(select(Vehicle).where(Vehicle.vin == v)) for v in vins[:2]]
        cars[0].owner, cars[1].owner = "王小明", "济南顺达物流有限公司"
    sheet = load_workbook(export_publication(listed, tmp_path / "pub.xlsx"))["黑名单"]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert "王小明" not in rows and rows["王*"][2] == "*" * 11 + vins[0][-6:]
    assert rows["济南顺达物流有限公司"][2] == vins[1]
    # The owner's own notice is not masked.
    text = notice_text_for(listed, tmp_path, listed.behaviour[vins[0]], date(2026, 11, 25))
    assert "王小明" in text and vins[0] in text
    assert [is_firm(n) for n in ("王行", "李社", "欧阳明", "平阴县交通运输局", "张三汽修厂", "Acme Co., Ltd")] == \
        [False, False, False, True, True, True]
    assert [mask_person(n) for n in ("王小明", "欧阳明月", "欧阳", "", None)] == ["王*", "欧阳*", "欧*", "", ""]
    assert short_vin("LFWSRXRJ7N1A00001") == "***********A00001" and published_owner(None, "X") == ("", "X")


def test_legal_dates_are_strict_and_info_notes_stay_off_the_notice(listed, tmp_path):
    """A compact date (20260101) would sort after every dashed one and put the wrong law on a notice; and a note
    for the office (days its imports do not cover) is not a finding about the owner's vehicle."""
    from dataclasses import asdict

    from dieselwatch.services import legal

    as_user(listed, "chief")
    mine = [asdict(v) for v in legal.legal_versions(listed)]
    for bad, match in ((20260101, "YYYY-MM-DD"), ("20260101", "YYYY-MM-DD")):
        with pytest.raises(InputError, match=match):
            legal.set_legal_versions(listed, [mine[0], {**mine[1], "effective_from": bad}])
    with pytest.raises(InputError, match="verified"):
        legal.set_legal_versions(listed, [mine[0], {**mine[1], "verified": "yes"}])
    with pytest.raises(InputError, match="title"):
        legal.set_legal_versions(listed, [mine[0], {**mine[1], "title": 5}])
    note = {"code": "DATA_NOT_COVERED", "category": "data", "severity": "info", "figures": {},
            "text": "期内有6天不在已导入数据的覆盖范围内，这些天不作判定。"}
    rows = notices.evidence_rows({"metrics": {}, "reasons": [note]})
    assert not any("覆盖范围" in r[2] for r in rows)
    assert notices.reason_categories({"reasons": [note]}) == ["data"]  # only when nothing else is there


def test_a_bureau_code_that_repeats_the_number_pattern_is_refused(ws):
    """Typing the prefix printed on notices (XX环机整) as the code would give XX环机整环机整〔2026〕0001号 on every
    notice, for ever: the setting is refused with an example, and nothing changes."""
    from test_lists import as_user, make_office

    from dieselwatch.errors import InputError
    from dieselwatch.services.settings import get_settings, update_settings

    make_office(ws)
    as_user(ws, "chief")
    with pytest.raises(InputError, match="numbers would read 鲁济平环机整环机整〔") as err:
        update_settings(ws, {"bureau.code": "鲁济平环机整"})
    assert err.value.column == "bureau.code" and "Enter only the code (e.g. 鲁济平)" in str(err.value.reason)
    assert get_settings(ws)["bureau"]["code"] != "鲁济平环机整"
    update_settings(ws, {"bureau.code": "鲁济平"})
    assert get_settings(ws)["bureau"]["code"] == "鲁济平"
