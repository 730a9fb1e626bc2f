"""The editor's keyboard and focus script (run in the page by `st.html(..., unsafe_allow_javascript=True)`).

What Streamlit's own shortcuts cannot do: put the caret in the English box after every move (and
after a save replaced the box), Ctrl+Enter to confirm from inside the box, Alt+1…5 (or a click on a
match) to put the n-th memory match's English in the box, Alt+Shift+1…9 (or a click on a term) to
insert the n-th approved term's English at the caret and Alt+T the next missing inline tag at the
caret (around the selection for a pair), all without a round trip to the server (the
box's form sends the text with the next save or move), and keep a draft: when
the English box loses focus to anything outside its form (a click in the segment list, "Go to #",
the memory panel) with changed text, the form's Save is pressed first, so nothing typed is lost.
Moves made with the form's own buttons (Next, Previous, Flagged, Confirm) carry the text themselves.
"""

from __future__ import annotations

import json

_SCRIPT = r"""
(function () {
  const W = window;
  const isEnglish = (t) => t && t.tagName === 'TEXTAREA' && t.getAttribute('aria-label') === 'English';
  const button = (form, label) => form && [...form.querySelectorAll('button')]
      .find((b) => b.innerText.trim().startsWith(label));
  const box = () => [...document.querySelectorAll('textarea')].find((t) => t.placeholder === W.__wbPlaceholder);
  // A value set the way React sees it (its own setter, then an input event), so the form sends it.
  const setText = (ta, value, caret) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(ta, value);
    ta.dispatchEvent(new Event('input', {bubbles: true}));
    ta.focus(); ta.setSelectionRange(caret, caret);
  };
  const useMatch = (el) => {
    const ta = box();
    if (!ta || ta.disabled || !el) return false;
    const text = el.getAttribute('data-en');
    setText(ta, text, text.length);
    return true;
  };
  const insertTerm = (el) => {
    const ta = box();
    if (!ta || ta.disabled || !el) return false;
    const text = el.getAttribute('data-en');
    const mine = document.activeElement === ta || W.__wbCaret === undefined;
    const a = mine ? ta.selectionStart : W.__wbCaret[0], b = mine ? ta.selectionEnd : W.__wbCaret[1];
    setText(ta, ta.value.slice(0, a) + text + ta.value.slice(b), a + text.length);
    return true;
  };
  // Alt+T: the next tag the English lacks, in source order (the current segment's source chips),
  // at the caret; with words selected, a pair whose both tags are missing wraps them. The form's
  // Insert tag button stays the fallback (it adds the tag at the end). The less-than sign is
  // written \x3c: with it followed by a slash in its text, st.html never ran this script.
  const insertTag = () => {
    const ta = box();
    const chips = [...document.querySelectorAll('.wb-pair.wb-current .wb-src .wb-tag')].map((c) => c.textContent);
    if (!ta || ta.disabled || !chips.length) return false;
    const have = new Set(ta.value.match(/\x3c\/?[1-9]\d{0,2}\/?>/g) || []);
    const next = chips.find((t) => !have.has(t));
    if (!next) return true;
    const mine = document.activeElement === ta || W.__wbCaret === undefined;
    const a = mine ? ta.selectionStart : W.__wbCaret[0], b = mine ? ta.selectionEnd : W.__wbCaret[1];
    const close = '\x3c/' + next.slice(1);
    const v = ta.value;
    if (a !== b && !next.startsWith(close.slice(0, 2)) && !next.endsWith('/>') && chips.includes(close) && !have.has(close)) {
      setText(ta, v.slice(0, a) + next + v.slice(a, b) + close + v.slice(b), b + next.length + close.length);
    } else {
      setText(ta, v.slice(0, a) + next + v.slice(b), a + next.length);
    }
    return true;
  };
  if (!W.__wbKeys) {
    W.__wbKeys = true;
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && isEnglish(e.target)) {
        const b = button(e.target.closest('[data-testid="stForm"]'), 'Confirm');
        if (b) { e.preventDefault(); e.stopImmediatePropagation(); b.click(); }
      }
      // Alt+S / N / P / J / K from the box press the form's buttons here too: Streamlit's own shortcuts
      // were now and then dropped when pressed while the previous run was still being drawn.
      const labels = {KeyS: 'Save', KeyN: 'Next', KeyP: '◀ Prev', KeyJ: 'Flag', KeyK: '◀ Flag'};
      if (labels[e.code] && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && isEnglish(e.target)) {
        const b = button(e.target.closest('[data-testid="stForm"]'), labels[e.code]);
        if (b) {
          e.preventDefault(); e.stopImmediatePropagation();
          if (e.code === 'KeyS') W.__wbOrig = e.target.value;
          b.click();
        }
      }
      if (e.code === 'KeyT' && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && insertTag()) {
        e.preventDefault(); e.stopImmediatePropagation();
      }
      const digit = /^Digit([1-9])$/.exec(e.code || '');
      if (digit && e.altKey && !e.ctrlKey && !e.metaKey) {
        const done = e.shiftKey
          ? insertTerm(document.querySelector('li.wb-term-use[data-n="' + digit[1] + '"]'))
          : useMatch(document.querySelector('.wb-match[data-n="' + digit[1] + '"]'));
        if (done) { e.preventDefault(); e.stopImmediatePropagation(); }
      }
    }, true);
    // A click on a match or a term does what its shortcut does; the box keeps the focus (and the
    // caret), so the click is not a move away that saves a draft.
    document.addEventListener('mousedown', function (e) {
      if (e.target.closest && e.target.closest('.wb-match, li.wb-term-use')) e.preventDefault();
    }, true);
    document.addEventListener('click', function (e) {
      const t = e.target.closest && e.target.closest('.wb-match, li.wb-term-use');
      if (!t) return;
      if (t.classList.contains('wb-match')) useMatch(t); else insertTerm(t);
    });
    // A click on a row of the segment list goes to that segment through "Go to #" (one way to jump,
    // with its draft save). The number is typed the way React sees it, then Enter commits it.
    document.addEventListener('click', function (e) {
      const tr = e.target.closest && e.target.closest('table.wb-list tbody tr[data-n]');
      if (!tr) return;
      const input = [...document.querySelectorAll('[data-testid="stNumberInput"]')]
          .find((d) => d.innerText.includes('Go to #'));
      const field = input && input.querySelector('input');
      if (!field) return;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(field, tr.getAttribute('data-n'));
      field.dispatchEvent(new Event('input', {bubbles: true}));
      field.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true}));
    });
    document.addEventListener('selectionchange', function () {
      const a = document.activeElement;
      if (isEnglish(a)) W.__wbCaret = [a.selectionStart, a.selectionEnd];
    });
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
  W.__wbWatch = function (token, placeholder) {
  if (W.__wbToken !== token) W.__wbCaret = undefined;
  W.__wbToken = token;
  W.__wbPlaceholder = placeholder;
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
  };
  if (W.__wbPending) { const p = W.__wbPending; W.__wbPending = null; W.__wbWatch(p[0], p[1]); }
})();
"""


def placeholder(number: int) -> str:
    """The English box's placeholder: it names the segment, so the script finds the box of this run."""
    return f"English of segment {number}"


def install() -> str:
    """The listeners and the caret watcher, once per full page run (outside the editor's fragment:
    a move sends only the few bytes of `script`)."""
    return f"<script>{_SCRIPT}</script>"


def script(token: str, number: int, run: int) -> str:
    """The script for one run of the editor: `token` names the segment shown (focus moves when the
    segment changes), `number` the segment's position; `run` makes the body differ on every run so
    that the browser executes it again. Before `install`'s script has run, it leaves the call pending."""
    args = f"{json.dumps(token)}, {json.dumps(placeholder(number))}"
    return (f"<script>/* {run} */ if (window.__wbWatch) window.__wbWatch({args}); "
            f"else window.__wbPending = [{args}];</script>")
