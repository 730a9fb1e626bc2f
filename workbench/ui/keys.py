"""The editor's keyboard and focus script (run in the page by `st.html(..., unsafe_allow_javascript=True)`).

What Streamlit's own shortcuts cannot do: put the caret in the English box after every move (and
after a save replaced the box), Ctrl+Enter to confirm from inside the box, and keep a draft: when
the English box loses focus to anything outside its form (a click in the segment list, "Go to #",
the memory panel) with changed text, the form's Save is pressed first, so nothing typed is lost.
Moves made with the form's own buttons (Next, Previous, Flagged, Confirm) carry the text themselves.
"""

from __future__ import annotations

import json

_SCRIPT = r"""
(function () {
  const W = window, token = %(token)s, placeholder = %(placeholder)s;
  const isEnglish = (t) => t && t.tagName === 'TEXTAREA' && t.getAttribute('aria-label') === 'English';
  const button = (form, label) => form && [...form.querySelectorAll('button')]
      .find((b) => b.innerText.trim().startsWith(label));
  if (!W.__wbKeys) {
    W.__wbKeys = true;
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && isEnglish(e.target)) {
        const b = button(e.target.closest('[data-testid="stForm"]'), 'Confirm');
        if (b) { e.preventDefault(); e.stopImmediatePropagation(); b.click(); }
      }
    }, true);
    document.addEventListener('focusout', function (e) {
      const t = e.target;
      if (!isEnglish(t) || t.value === W.__wbOrig) return;
      const form = t.closest('[data-testid="stForm"]');
      if (!form || (e.relatedTarget && form.contains(e.relatedTarget))) return;
      const b = button(form, 'Save');
      if (b) { W.__wbOrig = t.value; b.click(); }
    }, true);
  }
  // Streamlit may mount the new box after this script runs (a save replaces the box): watch for a
  // moment and put the caret in whichever box of this segment is on screen once focus is lost.
  W.__wbToken = token;
  let ticks = 0;
  (function watch() {
    if (W.__wbToken !== token) return;  // a newer run took over
    const ta = [...document.querySelectorAll('textarea')].find((t) => t.placeholder === placeholder);
    if (ta) {
      const a = document.activeElement;
      const lost = !a || a === document.body || !document.contains(a);
      if (ta !== W.__wbTa) { W.__wbOrig = ta.value; W.__wbTa = ta; }
      if ((W.__wbFocused !== token || lost) && a !== ta && !ta.disabled) {
        ta.focus(); const n = ta.value.length; ta.setSelectionRange(n, n);
      }
      if (document.activeElement === ta) W.__wbFocused = token;
    }
    if (ticks++ < 60) setTimeout(watch, 25);
  })();
})();
"""


def placeholder(number: int) -> str:
    """The English box's placeholder: it names the segment, so the script finds the box of this run."""
    return f"English of segment {number}"


def script(token: str, number: int, run: int) -> str:
    """The script for one run of the editor: `token` names the segment and version shown (focus
    moves when the segment changes), `number` the segment's position; `run` makes the body differ
    on every run so that the browser executes it again."""
    body = _SCRIPT % {"token": json.dumps(token), "placeholder": json.dumps(placeholder(number))}
    return f"<script>/* {run} */{body}</script>"
