/* Move keyboard and screen-reader focus to a page's error summary, so a refused form says
   why at once. The page works the same without it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) summary.focus();
  });
})();
