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

  function update() {
    var root = document.getElementById(TEXT_ID);
    if (root) {
      fill(selectedSpan(root));
    }
  }

  /* A selection ends with a mouse button, a key (Shift+arrows) or a touch; clicking the
   * form afterwards may clear the selection, so only a new selection replaces the values. */
  document.addEventListener("mouseup", update);
  document.addEventListener("keyup", update);
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
