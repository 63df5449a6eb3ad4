"""Help routes (issue 13, item 6): every QR code opens one of its own service's listed
pages, Report Remove's opens Report Remove, and each group has the routes it needs."""

from __future__ import annotations

from pathlib import Path

from surveys.content.errors import Code, ContentError, Severity
from surveys.content.library import check_content, load_content
from surveys.model import AgeBand, Audience

REPORT_REMOVE_PAGE = (
    "https://www.childline.org.uk/info-advice/bullying-abuse-safety/online-mobile-safety/"
    "report-remove/"
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test fixture expects {old!r} in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_shipped_qr_code_opens_one_of_its_own_listed_pages(library):
    with_qr = [r for r in library.routes.values() if r.url]
    assert len(with_qr) >= 10
    for route in with_qr:
        assert route.url in route.urls, route.id


def test_report_remove_opens_report_remove_and_says_13_plus_verify_age(library):
    card = library.routes["report-remove"]
    assert card.url == REPORT_REMOVE_PAGE
    assert card.check_before_use is None
    assert "13" in card.honest_line and "ID" in card.honest_line
    for band in (AgeBand.AGES_11_14, AgeBand.AGES_14_18):
        assert "ID" in card.worded_for(band.value).honest_line, band


def test_adults_18_plus_parents_staff_and_prevent_have_their_routes(library):
    routes = library.routes
    for rid in ("revenge-porn-helpline", "stopncii"):
        assert routes[rid].min_age == 18
        assert routes[rid].suits(AgeBand.AGES_14_18) and not routes[rid].suits(AgeBand.AGES_11_14)
    staff = [r.id for r in library.routes_for_signer(Audience.STAFF)]
    assert "professionals-online-safety-helpline" in staff and "prevent" in staff
    parents = [r.id for r in library.routes_for_signer(Audience.PARENTS)]
    assert "internet-matters" in parents and "prevent" in parents
    teen = [r.id for r in library.routes_for(library.for_band(AgeBand.AGES_14_18))]
    assert "revenge-porn-helpline" in teen and "stopncii" in teen
    young = [r.id for r in library.routes_for(library.for_band(AgeBand.AGES_11_14))]
    assert "revenge-porn-helpline" not in young


def test_a_qr_code_opening_an_unlisted_page_is_an_error_naming_file_route_and_fix(content_copy):
    edit(
        content_copy / "help-routes.yaml",
        f'url: "{REPORT_REMOVE_PAGE}"',
        'url: "https://www.childline.org.uk"',
    )
    _lib, found = check_content(content_copy)
    (problem,) = [p for p in found if p.code == Code.QR_NOT_LISTED]
    assert problem.severity == Severity.ERROR
    assert problem.file == "help-routes.yaml" and "report-remove" in problem.entry
    assert "https://www.childline.org.uk" in problem.message
    assert REPORT_REMOVE_PAGE in problem.message  # the listed page, so the fix is plain
    assert "urls" in problem.fix and problem.line
    try:
        load_content(content_copy)
    except ContentError as stopped:
        assert Code.QR_NOT_LISTED in [p.code for p in stopped.problems]
    else:
        raise AssertionError("a kiosk must not run with a QR code that opens the wrong page")


def test_a_route_with_a_qr_code_and_no_listed_urls_is_refused(content_copy):
    edit(content_copy / "help-routes.yaml", '    urls: ["https://shorespace.org.uk"]\n', "")
    _lib, found = check_content(content_copy)
    (problem,) = [p for p in found if p.code == Code.QR_NOT_LISTED]
    assert "shore" in problem.entry and "none" in problem.message
