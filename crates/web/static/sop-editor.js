// The SOP editor's page (issue 19): what htmx alone does not do there.
// A save refused (409: someone else saved the draft; 422: a part of the
// form is not TOML) still shows its message. Every form of the page sends
// the revision the last save left. A full submit (Save, Publish, a row's
// button) waits for a save under way and stops those not yet sent, so the
// two never race. A finding's link puts focus in its field. A step's
// handle drags the row to another place.
(function () {
  "use strict";
  var form = document.getElementById("sop-form");
  if (!form) {
    return;
  }
  var leaving = false;
  var waiting = null;

  function syncRevision() {
    var newest = document.getElementById("f-revisi");
    if (!newest) {
      return;
    }
    document.querySelectorAll("input.revisi").forEach(function (input) {
      input.value = newest.value;
    });
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (leaving) {
      event.preventDefault();
    }
  });
  document.body.addEventListener("htmx:afterRequest", function () {
    syncRevision();
    if (waiting) {
      var by = waiting;
      waiting = null;
      form.requestSubmit(by === form ? undefined : by);
    }
  });

  form.addEventListener("submit", function (event) {
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      waiting = event.submitter || form;
      return;
    }
    syncRevision();
    leaving = true;
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-focus]");
    if (!link) {
      return;
    }
    var id = (link.getAttribute("href") || "").slice(1);
    var target = id && document.getElementById(id);
    if (!target) {
      return;
    }
    event.preventDefault();
    var folded = target.closest("details");
    if (folded) {
      folded.open = true;
    }
    var control = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input, select, textarea, button");
    target.scrollIntoView({ block: "center" });
    (control || target).focus();
    history.replaceState(null, "", "#" + id);
  });

  var dragged = null;
  form.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag");
    if (!handle) {
      return;
    }
    dragged = handle.closest("tbody.step");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.row);
  });
  form.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest && event.target.closest("tbody.step")) {
      event.preventDefault();
    }
  });
  form.addEventListener("drop", function (event) {
    var onto = event.target.closest && event.target.closest("tbody.step");
    if (!dragged || !onto) {
      return;
    }
    event.preventDefault();
    var from = dragged.dataset.row;
    dragged = null;
    if (from === onto.dataset.row) {
      return;
    }
    var op = document.createElement("input");
    op.type = "hidden";
    op.name = "op";
    op.value = "step-move:" + from + ":" + onto.dataset.row;
    form.appendChild(op);
    form.requestSubmit();
  });
})();
