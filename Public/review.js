// The review sheet: shows the indicators of the chosen year's standard and the income fields
// of the chosen basis, and asks the server for the class and its reason as the form changes
// (the same computation as saving). Without this script the form still works: "Xem trước"
// posts it and the page comes back with the preview.
(function () {
  'use strict';
  var form = document.getElementById('review-form');
  if (!form) { return; }
  var box = document.getElementById('review-preview');
  var year = document.getElementById('rv-year');
  var standardName = document.getElementById('standard-name');

  function showIndicators() {
    var option = year.options[year.selectedIndex];
    var standard = option ? option.getAttribute('data-standard') : '';
    form.querySelectorAll('.indicator').forEach(function (el) {
      el.hidden = el.getAttribute('data-standards').split(' ').indexOf(standard) < 0;
    });
    if (standardName && option) { standardName.textContent = option.getAttribute('data-standard-name'); }
  }

  function showBasis() {
    var yearly = document.getElementById('rv-basis-yearly').checked;
    form.querySelectorAll('.basis-yearly').forEach(function (el) { el.hidden = !yearly; });
    form.querySelectorAll('.basis-monthly').forEach(function (el) { el.hidden = yearly; });
  }

  var timer = null;
  var sequence = 0;
  var shown = null;
  function preview() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      var mine = ++sequence;
      var data = new URLSearchParams(new FormData(form));
      data.set('action', 'preview');
      fetch('/reviews/preview', {
        method: 'POST', body: data, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        // Only a changed result replaces the box: the box is read out (aria-live) when it
        // changes, and the same class and reason need not be read again at every keystroke.
        if (html !== null && mine === sequence && html !== shown) { shown = html; box.innerHTML = html; }
      }).catch(function () { /* the button still previews */ });
    }, 600);
  }

  form.addEventListener('input', preview);
  form.addEventListener('change', function (event) {
    if (event.target === year) { showIndicators(); }
    if (event.target.name === 'basis') { showBasis(); }
    preview();
  });
  showIndicators();
  showBasis();
  preview();
})();
