/* Small behaviours every page shares; no inline scripts (CSP script-src 'self').
 *
 * A form (or the button that submits it) with data-confirm asks before it is sent: deleting
 * a record is not undone by the app (the audit log keeps a copy). Without JavaScript the
 * form still works, only without the question.
 *
 * A list whose filters are refused (a date that is no date) answers 422 with its results
 * area saying so and the error next to the field; htmx leaves 4xx answers unshown unless
 * told, so the results area (and only it) takes them.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var source = event.submitter && event.submitter.dataset.confirm ? event.submitter : event.target;
    var question = source && source.dataset ? source.dataset.confirm : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.xhr.status === 422 && detail.target && detail.target.id === "results") {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();
