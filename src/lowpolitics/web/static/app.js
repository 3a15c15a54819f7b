/* Small behaviours every page shares; no inline scripts (CSP script-src 'self').
 *
 * A form (or the button that submits it) with data-confirm asks before it is sent: deleting
 * a record is not undone by the app (the audit log keeps a copy). Without JavaScript the
 * form still works, only without the question.
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
})();
