// The 印刷する buttons (data-print): shown once this script runs, and print the page.
// Served from /assets because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  function show() {
    document.querySelectorAll("button[data-print][hidden]").forEach(function (b) {
      b.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("button[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("htmx:afterSwap", show);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
