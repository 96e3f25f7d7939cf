/* Small site-wide helpers; every page works the same without them.
   - Move keyboard and screen-reader focus to a page's error summary, so a refused form
     says why at once.
   - Send the current CSRF token with every form and htmx request. Signing in again (in
     another tab, after a session ended) replaces the token; a page opened before that
     would otherwise have its next save refused and the typed text thrown away. */
(function () {
  "use strict";
  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) summary.focus();
  });
  document.addEventListener("submit", function (event) {
    var token = csrfCookie();
    var field = event.target.querySelector && event.target.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && field) field.value = token;
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfCookie();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });
})();
