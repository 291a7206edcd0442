// "Copy link" on the interview summary: copies the share link, and says so.
(function () {
  "use strict";
  // The button starts hidden: without this script it would do nothing.
  document.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status]");
    function done(text) { if (status) status.textContent = text; }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { done("Link copied."); },
        function () { done("Press Ctrl+C to copy the selected link."); }
      );
    } else {
      done(document.execCommand && document.execCommand("copy") ? "Link copied." : "Press Ctrl+C to copy the selected link.");
    }
  });
})();
