// An import being checked or written: its page asks the server again every two seconds and
// puts what changed in place, instead of reloading (a reload sends the keyboard and a screen
// reader back to the top of the page every time). When the state changes (ready to confirm,
// done, refused) the new part replaces the old and takes the focus, so it is read out.
// Without this script the page reloads itself (base.leaf, in <noscript>).
(function () {
  'use strict';
  var job = document.getElementById('job');
  if (!job) { return; }
  function waiting(state) { return state === 'checking' || state === 'running'; }
  // Anything but this page coming back (signed out: the sign-in page; the job gone; an error
  // page): the page is loaded again, as the browser would, and shows what the server says.
  function reload() { window.location.reload(); }
  var failures = 0;
  function poll() {
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (!response.ok || response.redirected) { reload(); return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('job');
        if (!fresh) { reload(); return; }
        failures = 0;
        var state = fresh.getAttribute('data-state');
        if (state !== job.getAttribute('data-state')) {
          job.replaceWith(fresh);
          job = fresh;
          var first = fresh.querySelector('[role=alert], [role=status], .alert');
          if (first) { first.setAttribute('tabindex', '-1'); first.focus(); }
        } else {
          var line = job.querySelector('[role=status]'), freshLine = fresh.querySelector('[role=status]');
          if (line && freshLine && line.textContent !== freshLine.textContent) { line.textContent = freshLine.textContent; }
          var bar = job.querySelector('.progress'), freshBar = fresh.querySelector('.progress');
          if (bar && freshBar) { bar.replaceWith(freshBar); }
        }
        if (waiting(state)) { window.setTimeout(poll, 2000); }
      })
      // The server not answering: tried again a few times, then the page is loaded again.
      .catch(function () { failures += 1; if (failures > 5) { reload(); } else { window.setTimeout(poll, 5000); } });
  }
  if (waiting(job.getAttribute('data-state'))) { window.setTimeout(poll, 2000); }
})();
