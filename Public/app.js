// Every page: a form sent back with a problem brings the keyboard (and a screen reader) to
// the message that says what is wrong (the review sheet: its list of problems), instead of
// leaving them at the top of the page.
(function () {
  'use strict';
  var problem = document.querySelector('.alert-danger[role=alert], #preview-problems');
  if (!problem) { return; }
  problem.setAttribute('tabindex', '-1');
  problem.focus();
})();
