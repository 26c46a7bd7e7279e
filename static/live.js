// The live screen: each Server-Sent Event carries the new content of the
// element that names its source in `data-events`. No inline script (CSP).
(function () {
  "use strict";
  var target = document.querySelector("[data-events]");
  if (!target || !window.EventSource) {
    return;
  }
  var source = new EventSource(target.getAttribute("data-events"));
  source.onmessage = function (event) {
    target.innerHTML = event.data;
  };
})();
