/* The coding screen: turn the reader's text selection into code-point offsets.
 *
 * The server counts offsets in code points of the stored text (end exclusive); JavaScript
 * strings count UTF-16 units, in which a character outside the BMP (an emoji, some CJK)
 * takes two. So the selection is measured in UTF-16 units from the start of the text
 * element, and the text before each boundary is counted again with Array.from, which walks
 * code points. The offsets go into the form's start/end fields; the form itself is a normal
 * form (CSRF field included), posted by htmx or, without it, by the browser.
 * No inline script anywhere: the page's Content-Security-Policy is script-src 'self'.
 */
(function () {
  "use strict";

  var TEXT_ID = "doc-text";

  /* UTF-16 units from the start of `root` to the boundary point (node, offset). */
  function unitsBefore(root, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(root);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  /* Code points in the first `units` UTF-16 units of `text`. */
  function codePoints(text, units) {
    return Array.from(text.slice(0, units)).length;
  }

  /* The selection inside `root` as {start, end, text} in code points, or null. */
  function selectedSpan(root) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0).cloneRange();
    var whole = document.createRange();
    whole.selectNodeContents(root);
    if (range.compareBoundaryPoints(Range.START_TO_START, whole) < 0) {
      range.setStart(whole.startContainer, whole.startOffset);
    }
    if (range.compareBoundaryPoints(Range.END_TO_END, whole) > 0) {
      range.setEnd(whole.endContainer, whole.endOffset);
    }
    if (range.collapsed) {
      return null;
    }
    var text = root.textContent;
    var from = unitsBefore(root, range.startContainer, range.startOffset);
    var to = unitsBefore(root, range.endContainer, range.endOffset);
    if (to <= from) {
      return null;
    }
    return { start: codePoints(text, from), end: codePoints(text, to), text: text.slice(from, to) };
  }

  function fill(span) {
    var form = document.getElementById("code-form");
    if (!form || !span) {
      return;
    }
    form.elements.start.value = String(span.start);
    form.elements.end.value = String(span.end);
    var preview = document.getElementById("selection-preview");
    if (preview) {
      var shown = Array.from(span.text);
      var quote = shown.length > 120 ? shown.slice(0, 117).join("") + "…" : span.text;
      preview.textContent = "«" + quote + "» (" + span.start + "–" + span.end + ")";
    }
  }

  var TOOLBAR_ID = "quick-codes";

  function toolbar(show) {
    var bar = document.getElementById(TOOLBAR_ID);
    if (bar) {
      bar.hidden = !show;
    }
  }

  /* A click in the toolbar or the form must not count as a new (empty) selection. */
  function inControls(target) {
    return Boolean(target && target.closest && target.closest("#" + TOOLBAR_ID + ", #code-form"));
  }

  function update(event) {
    if (event && inControls(event.target)) {
      return;
    }
    var root = document.getElementById(TEXT_ID);
    if (root) {
      var span = selectedSpan(root);
      fill(span);
      toolbar(Boolean(span));
    }
  }

  /* Quick code: the button's code goes into the form, which is then submitted as if the
   * reader had picked the code and pressed "Code selection" (htmx posts it, CSRF included). */
  function quickCode(button) {
    var form = document.getElementById("code-form");
    if (!form || !form.elements.start.value || !form.elements.end.value) {
      return;
    }
    form.elements.code.value = button.getAttribute("data-code");
    toolbar(false);
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest && target.closest("#" + TOOLBAR_ID + " button.quick");
    if (button) {
      event.preventDefault();
      quickCode(button);
    }
  });

  /* Keys 1–9 press the numbered quick-code buttons while the toolbar shows (never while
   * typing in a field); Escape hides it. */
  document.addEventListener("keydown", function (event) {
    var bar = document.getElementById(TOOLBAR_ID);
    if (!bar || bar.hidden || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (event.key === "Escape") {
      toolbar(false);
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      var button = bar.querySelector('button.quick[data-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        quickCode(button);
      }
    }
  });

  /* A selection ends with a mouse button, a key (Shift+arrows) or a touch; clicking the
   * form afterwards may clear the selection, so only a new selection replaces the values. */
  document.addEventListener("mouseup", update);
  document.addEventListener("keyup", function (event) {
    if (!/^[1-9]$/.test(event.key)) {
      update(event);
    }
  });
  document.addEventListener("touchend", update);

  /* Keep the text's scroll position when htmx swaps the panel after a save. */
  var scrolled = 0;
  document.addEventListener("htmx:beforeSwap", function () {
    var root = document.getElementById(TEXT_ID);
    scrolled = root ? root.scrollTop : 0;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var root = document.getElementById(TEXT_ID);
    if (root) {
      root.scrollTop = scrolled;
    }
  });

  /* For tests in Node: the pure parts. */
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { codePoints: codePoints };
  }
})();
