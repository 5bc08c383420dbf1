// Every page: a filter form marked data-auto applies as soon as one of its choices changes (its
// button stays for a browser without JavaScript, and for a typed search, which applies on Enter).
(function () {
  "use strict";
  document.querySelectorAll("form[data-auto]").forEach(function (form) {
    form.classList.add("auto");
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=date], input[type=checkbox]")) {
        form.requestSubmit();
      }
    });
  });
})();
