"""Take the README's editor screenshot (docs/editor.png) from the current code.

A throwaway store with the seed corpus, English typed for the first segments of article 000 (no MT
model here: the English is stored as an external engine's, marked "external"), a memory match from a
reprint, and the flags of a QA run; then the app in headless Chromium at 1280x800 on segment 5.

    python scripts/editor_screenshot.py [--out docs/editor.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from editor_latency import CHROMIUM, box_ready, start_server  # noqa: E402

from workbench.auth import hash_password  # noqa: E402
from workbench.config import load_config  # noqa: E402
from workbench.flags import flag_document  # noqa: E402
from workbench.ingest import build_document, import_paths  # noqa: E402
from workbench.records import Translation  # noqa: E402
from workbench.store import Store  # noqa: E402

# Our own English for the first segments of seed article 000 (typed for the picture, not MT output).
# Segment 5 leaves out a name the glossary knows, so that its flags show.
ENGLISH = {0: "The United States said there were no firm commitments ahead of security talks with Russia.",
           3: "WASHINGTON.",
           4: "On Saturday the administration said again that the US \"will not make any firm commitments\" "
              "in the diplomatic talks with Russia next week."}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "editor.png")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="editor-shot-"))
    config = load_config(env={"WORKBENCH_DATA_DIR": str(tmp / "data")})
    store = Store(config.database_url)
    import_paths(store, sorted((ROOT / "corpus").glob("*.txt")), config)
    doc = store.documents()[0]
    segs = store.segments(doc.id)
    store.save_translations([(Translation(segs[i].id, en, "external", "typed"), segs[i].text)
                             for i, en in ENGLISH.items() if i < len(segs)])
    # a reprint of segment 5 with its last words changed: a fuzzy memory match with the difference marked
    words = segs[4].text.split()
    reprint = " ".join(words[:-2] + ["этой", "неделе."])
    (copy, _), = store.add_documents([build_document(reprint + "\n", "reprint.txt")])
    twin = store.segments(copy.id)[0]
    store.save_edit(twin.id, "On Saturday the Biden administration said again that the US \"will not make any firm "
                    "commitments\" in the diplomatic talks with Russia this week.", "rita", 0)
    flag_document(store, config, doc.id)
    store.add_user("ann", "translator", hash_password("screenshot-password-1"))
    store.close()
    proc, base = start_server(tmp / "data", tmp / "server.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(base)
            page.get_by_role("textbox", name="User name").fill("ann")
            page.get_by_role("textbox", name="Password").fill("screenshot-password-1")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Home").wait_for()
            page.goto(f"{base}/editor?doc={doc.name}&seg=5")
            box_ready(page, 5)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        proc.terminate()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
