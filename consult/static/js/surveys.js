/* Survey answer pages: a question that depends on an earlier answer of the same page shows only when that
 * answer includes one of its options. Without this file every question of the page shows, with its condition
 * in words; the server decides which answers count in both cases. No inline code. */
(function () {
  "use strict";

  function chosen(form, name) {
    var values = [];
    var inputs = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) { values.push(inputs[i].value); }
    }
    return values;
  }

  function update(form) {
    var questions = form.querySelectorAll("[data-when]");
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      var name = q.getAttribute("data-when");
      if (!form.querySelector("input[name='" + name + "']")) { continue; }  // asked on an earlier page
      var wanted = (q.getAttribute("data-options") || "").split(" ");
      var values = chosen(form, name);
      var applies = values.some(function (v) { return wanted.indexOf(v) !== -1; });
      q.hidden = !applies;
      var hint = q.querySelector(".survey-when");
      if (hint) { hint.hidden = true; }
    }
  }

  function init() {
    var forms = document.querySelectorAll("form.survey-form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        form.addEventListener("change", function () { update(form); });
        update(form);
      })(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:load", init);
})();
