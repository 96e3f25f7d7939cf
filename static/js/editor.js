/* The editor's small conveniences; the page works the same without them.
   - Warn before leaving with unsaved changes.
   - Ctrl+S / Cmd+S presses "Save draft".
   - The references panel: each result's "Insert at cursor" puts its marker into the body where
     the cursor was (one click); after "Add reference" the new marker is selected for copying
     and can be inserted the same way. Without JavaScript the markers are there to copy. */
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  var body = document.getElementById("id_body");
  function showInsertButtons(root) {
    if (!body || !root) return;
    root.querySelectorAll("[data-insert-marker]").forEach(function (button) { button.hidden = false; });
  }
  showInsertButtons(document.getElementById("references-panel"));
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  document.addEventListener("submit", function () { dirty = false; }, true);
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
  var caret = body ? body.value.length : 0;
  if (body) {
    ["keyup", "click", "select", "input"].forEach(function (name) {
      body.addEventListener(name, function () { caret = body.selectionStart; });
    });
  }
  document.body.addEventListener("htmx:afterSettle", function () {
    showInsertButtons(document.getElementById("references-panel"));
    var box = document.getElementById("add-reference");
    if (!box || box.dataset.seen) return;
    box.dataset.seen = "yes";
    var insert = box.querySelector("[data-insert-marker]");
    if (insert && body) insert.hidden = false;
    var marker = box.querySelector(".marker");
    if (marker) { marker.focus(); marker.select(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-marker]");
    if (!button || !body) return;
    var text = button.getAttribute("data-insert-marker");
    var before = body.value.slice(0, caret);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    body.value = before + spacer + text + body.value.slice(caret);
    caret = before.length + spacer.length + text.length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
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
