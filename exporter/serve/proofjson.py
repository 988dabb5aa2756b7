"""What the proof JSONs say of a proof: its pictures, its fit, where to cut, its downloads.

`GET /articles/{name}/proof.json` and `POST /api/articles/{name}/proof` answer the same
keys; exporter/serve/drafts.py lists them.
"""

from __future__ import annotations

from typing import Any

from exporter.serve.proofs import Checked

DOWNLOADS = ("pdf", "epub", "docx")


def proof_json(name: str, checked: Checked) -> dict[str, Any]:
    """Return the JSON of a proof of the article `name`, or of why there is none."""
    proof = checked.proof
    answer: dict[str, Any] = {
        "version": checked.version,
        "fits": None,
        "fit": "",
        "state": checked.status.state,
        "short": 0,
        "over": 0,
        "unit": "",
        "cut": "",
        "error": checked.error,
        "line": checked.line,
        "column": checked.column,
        "warnings": [],
        "pages": [],
        "full_pages": [],
        "seconds": None,
        "step": None,
        "setting": None,
        "lines_left": None,
        "lines_over": [],
        "beyond": [],
        "downloads": downloads(name, checked),
    }
    if proof is None:
        return answer
    pages = [
        f"/articles/{name}/pages/{n}.png?v={checked.version}"
        for n in range(1, len(proof.pages) + 1)
    ]
    setting = proof.setting
    return answer | {
        "fits": proof.fits,
        "fit": proof.fit,
        "short": proof.short,
        "over": proof.over,
        "unit": proof.unit,
        "cut": proof.cut,
        "warnings": list(proof.warnings),
        "pages": pages,
        "full_pages": [f"{url}&size=full" for url in pages],
        "seconds": round(proof.seconds, 2),
        "step": proof.step,
        "setting": {
            "step": setting.step,
            "name": setting.name,
            "body_size": setting.body_size,
            "leading": setting.leading,
        }
        if setting is not None
        else None,
        "lines_left": proof.lines_left,
        "lines_over": [
            {
                "setting": over.setting,
                "body_size": over.body_size,
                "lines": over.lines,
                "measured": over.measured,
            }
            for over in proof.lines_over
        ],
        "beyond": [
            {
                "block": past.block,
                "kind": past.kind,
                "words": past.words,
                "line": past.line or None,
                "whole": past.whole,
            }
            for past in proof.beyond
        ],
    }


def downloads(name: str, checked: Checked) -> dict[str, dict[str, Any]]:
    """Return, for each download, whether the article can be built so now, and if not why."""
    proof = checked.proof
    if proof is None:
        why = checked.error or "the article could not be read"
        reasons = dict.fromkeys(DOWNLOADS, why)
    elif not proof.fits:
        over = f": about {proof.over:,} {proof.unit} over" if proof.over else ""
        # The EPUB and DOCX have no pages to fill: only the printed bulletin is refused.
        reasons = {"pdf": f"too long for two pages{over}; cut it to build the PDF"}
    else:
        reasons = {}
    return {
        fmt: {
            "ready": fmt not in reasons,
            "reason": reasons.get(fmt, ""),
            "url": f"/articles/{name}/download/{fmt}",
        }
        for fmt in DOWNLOADS
    }
