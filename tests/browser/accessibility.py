"""axe-core (bundled by axe-playwright-python) over the page a browser tab shows."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def serious_findings(tab) -> list[str]:
    """axe's critical and serious findings on the tab's page, one readable line per rule."""
    results = _axe.run(tab).response
    return [
        f"{violation['impact']} {violation['id']}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in {"critical", "serious"}
    ]
