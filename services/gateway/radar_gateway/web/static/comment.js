// Progressive enhancement for the comment forms: a live character counter under each text field.
// It never blocks typing or pasting: over the limit it turns into a warning, and the server
// refuses the text with its reason and keeps it whole. Without JavaScript the hint names the limit.
// The visible count follows every keystroke; screen readers hear it once typing pauses.
(function () {
  "use strict";
  var PAUSE_MS = 800;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "de");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? numbers.format(values[name]) : whole;
    });
  }

  function attach(field) {
    var max = parseInt(field.getAttribute("data-counter-max"), 10);
    if (!max) {
      return;
    }
    var shown = document.createElement("p");
    shown.className = "counter";
    shown.id = field.id + "-counter";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(shown, field.nextSibling);
    field.parentNode.insertBefore(spoken, shown.nextSibling);
    var timer = null;

    function text() {
      var n = Array.from(field.value.replace(/\r\n/g, "\n")).length; // code points, as the server counts
      var over = n - max;
      return {
        over: over > 0,
        words: over > 0
          ? fill(field.getAttribute("data-counter-over"), { n: n, over: over })
          : fill(field.getAttribute("data-counter"), { n: n })
      };
    }

    function update() {
      var now = text();
      shown.textContent = now.words;
      shown.classList.toggle("counter-over", now.over);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        spoken.textContent = now.words;
      }, PAUSE_MS);
    }

    field.addEventListener("input", update);
    var first = text();
    shown.textContent = first.words;
    shown.classList.toggle("counter-over", first.over);
  }

  var fields = document.querySelectorAll("textarea[data-counter-max]");
  for (var i = 0; i < fields.length; i++) {
    attach(fields[i]);
  }
})();
