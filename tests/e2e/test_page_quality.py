"""The page itself: accessibility (axe-core), reflow at 360 px with 200 % text, weight, embedding."""

from __future__ import annotations

import json

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.chat import WEB, Chat

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.servers]
RESULTS = PROJECT_ROOT / "var" / "results"
PAGE_BUDGET = 100 * 1024  # bytes transferred for HTML, CSS and JS on the first visit


def _axe(page, name: str) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "passes"]}).response
    summary = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"])}
               for v in results["violations"]]
    report = {"axe": results["testEngine"]["version"], "rules_passed": len(results["passes"]), "violations": summary}
    (RESULTS / f"axe-{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert results["passes"], "axe ran its rules"
    return summary


def test_axe_finds_no_serious_or_critical_violation(chat):
    chat.open()
    found = _axe(chat.page, "start")
    chat.type("ik heb schulden")  # messages, a link and choices on the page
    found += _axe(chat.page, "conversation")
    assert [v for v in found if v["impact"] in ("serious", "critical")] == []


def test_at_360_px_with_text_at_200_percent_nothing_needs_sideways_scrolling(chat):
    page = chat.open().page
    chat.type("ik heb schulden")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("#message", "#composer button", "#choices button", "#stop", "footer a", "button.lang"):
        for box in (element.bounding_box() for element in page.locator(selector).all()):
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (selector, box)
    chat.screenshot("a11y-01-360px-text-200-percent")
    assert "rechten" in chat.choose("Ja, dat klopt"), "still usable"


def test_the_first_visit_loads_at_most_100_kb(context):
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    Chat(page).open()
    weights = {}
    for request in finished:
        if request.resource_type in ("document", "stylesheet", "script"):
            sizes = request.sizes()
            weights[request.url.replace(WEB, "")] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    weights["total"] = sum(weights.values())
    (RESULTS / "page-weight.json").write_text(json.dumps(weights, indent=2), encoding="utf-8")
    assert len(weights) == 5, weights  # the page, chat.css, socket.io.min.js, chat.js, and the total
    assert all(not url.startswith("http") for url in weights), "every asset comes from Wegwijs itself"
    assert weights["total"] <= PAGE_BUDGET, weights


def _municipality_site(context, origin: str) -> None:
    body = (f'<!doctype html><html lang="fr"><title>Commune</title><h1>Notre commune</h1>'
            f'<script src="{WEB}/embed.js" async data-lang="fr"></script></html>')
    context.route(f"{origin}/", lambda route: route.fulfill(status=200, content_type="text/html", body=body))


def test_a_configured_site_embeds_the_chat_with_one_script_tag_and_others_cannot(context):
    # The sites below are played by Playwright, so Chromium counts them as public and would
    # keep them from the test servers on 127.0.0.1 (Local Network Access); a real
    # municipality site and a public Wegwijs address never meet that rule.
    context.grant_permissions(["local-network-access"])
    _municipality_site(context, "http://localhost:8000")  # in WEGWIJS_CHAT_ORIGINS (development default)
    page = context.new_page()
    page.goto("http://localhost:8000/")
    frame = page.frame_locator("iframe[title^='Wegwijs']")
    assert frame.locator("label[for=message]").inner_text() == "Votre message"
    frame.locator("#message").fill("bonjour")
    frame.locator("#message").press("Enter")
    frame.locator("#log .msg.bot").first.wait_for()
    assert "Wegwijs" in frame.locator("#log .msg.bot").first.inner_text()
    page.screenshot(path=str(RESULTS / "screenshots" / "embed-01-municipality-site.png"), full_page=True)

    _municipality_site(context, "https://elsewhere.example")
    other = context.new_page()
    other.goto("https://elsewhere.example/")
    other.wait_for_selector("iframe")
    other.wait_for_timeout(1000)
    assert other.frame_locator("iframe").locator("#message").count() == 0, "frame-ancestors refuses other sites"
