/* The editor's small conveniences; the page works the same without them.
   - Warn before leaving with unsaved changes.
   - Ctrl+S / Cmd+S presses "Save draft". */
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  document.addEventListener("submit", function () { dirty = false; }, true);
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      var save = form.querySelector('button[value="save"]');
      if (save) {
        event.preventDefault();
        save.click();
      }
    }
  });
})();
