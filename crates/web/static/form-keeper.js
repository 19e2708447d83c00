// Keeps what was typed into a form whose session ran out before it was
// sent (issue 18). On every post a copy of the form's visible fields (never
// its token, passwords or files) goes to this tab's sessionStorage. If the
// server answers with the login page saying the session ended, the copy is
// marked; after logging in, the server leads back to the form's page, where
// the copy is put back into the form with the same action and a note says
// so. Any other page forgets the copy. The new page carries its own fresh
// CSRF token, so nothing is ever sent without the person sending it again.
(function () {
  "use strict";
  var KEY = "sopir-form";
  var LIFETIME_MS = 12 * 60 * 60 * 1000;
  var SKIPPED = ["/login", "/logout", "/bahasa", "/sandi", "/lupa-sandi"];

  function read() {
    try {
      return JSON.parse(window.sessionStorage.getItem(KEY));
    } catch (e) {
      return null;
    }
  }

  function actionOf(form) {
    return form.getAttribute("action") || window.location.pathname;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    var action = actionOf(form);
    if (SKIPPED.indexOf(action) >= 0) {
      return;
    }
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf" || el.disabled) {
        return;
      }
      var type = (el.type || "").toLowerCase();
      if (["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) >= 0) {
        return;
      }
      if (type === "checkbox" || type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else {
        fields.push([el.name, el.value]);
      }
    });
    var kept = { page: window.location.pathname, action: action, fields: fields, pending: false, at: Date.now() };
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(kept));
    } catch (e) {
      // A full or refused storage keeps nothing; the form is sent as ever.
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var kept = read();
    if (!kept) {
      return;
    }
    var login = document.querySelector("form[action='/login']");
    if (login) {
      // Kept through the login page, however many tries it takes.
      if (document.getElementById("session-expired")) {
        kept.pending = true;
        window.sessionStorage.setItem(KEY, JSON.stringify(kept));
      }
      return;
    }
    window.sessionStorage.removeItem(KEY);
    if (!kept.pending || kept.page !== window.location.pathname || Date.now() - kept.at > LIFETIME_MS) {
      return;
    }
    var form = Array.prototype.find.call(document.forms, function (f) {
      return actionOf(f) === kept.action;
    });
    if (!form) {
      return;
    }
    kept.fields.forEach(function (field) {
      var named = Array.prototype.filter.call(form.elements, function (el) {
        return el.name === field[0];
      });
      named.forEach(function (el) {
        var type = (el.type || "").toLowerCase();
        if (type === "checkbox" || type === "radio") {
          if (el.value === field[1]) {
            el.checked = field[2];
          }
        } else if (["hidden", "password", "file"].indexOf(type) < 0) {
          el.value = field[1];
        }
      });
    });
    var note = document.createElement("p");
    note.className = "flash info";
    note.id = "form-restored";
    note.setAttribute("role", "status");
    note.textContent = document.body.getAttribute("data-form-restored") || "";
    form.parentNode.insertBefore(note, form);
  });
})();
