// A live counter under each textarea with data-counter and maxlength: "1.234 / 10.000 tekens".
// Progressive enhancement: without this script the browser's maxlength and the server's
// message ("Maximaal 10.000 tekens (nu 12.000).") still apply.
// In the interface language: the page's lang for the digits, the word from the template
// (<body data-counter-unit>).
(function () {
  "use strict";
  var NEAR = 0.9; // from 90 % of the maximum the counter is marked
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "nl");

  function format(count) {
    return numbers.format(count);
  }

  function unit() {
    return (document.body && document.body.getAttribute("data-counter-unit")) || "tekens";
  }

  function update(textarea, counter) {
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    var count = textarea.value.length;
    counter.textContent = format(count) + " / " + format(limit) + " " + unit();
    counter.classList.toggle("is-near-limit", count >= limit * NEAR && count < limit);
    counter.classList.toggle("is-at-limit", count >= limit);
  }

  function attach(textarea) {
    if (textarea.dataset.counterReady || !textarea.getAttribute("maxlength")) {
      return;
    }
    textarea.dataset.counterReady = "1";
    var counter = document.createElement("p");
    counter.className = "char-counter";
    counter.id = (textarea.id || "text") + "-counter";
    counter.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", counter);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    textarea.addEventListener("input", function () {
      update(textarea, counter);
    });
    update(textarea, counter);
  }

  function init(root) {
    var textareas = root.querySelectorAll("textarea[data-counter]");
    for (var i = 0; i < textareas.length; i++) {
      attach(textareas[i]);
    }
  }

  // Content that htmx swaps in gets its counters too.
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
