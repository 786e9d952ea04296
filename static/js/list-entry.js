// A member's list entry without a page reload: the forms work without this script (a POST, then a
// redirect back with a message); with it, the same POST asks for JSON and the page updates in place.
//  - [data-list-entry-widget]: the work page's and the list page's controls; the answer's html replaces them.
//  - [data-list-entry-details]: the details form; its message says what was saved.
//  - [data-card-control]: the status control on a work card; a select saves as soon as it changes.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  // ``body`` is read before the form is disabled while it is sent: disabled controls are left out of a FormData.
  function send(form, body) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    }).then(function (response) {
      return response.json().catch(function () {
        throw new Error("The server did not answer; nothing was changed.");
      });
    });
  }

  function say(element, text, failed) {
    if (!element) return;
    element.textContent = text;
    element.classList.toggle("is-error", Boolean(failed));
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button, select, input").forEach(function (control) {
      if (control.type !== "hidden") control.disabled = on;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var widget = form.closest("[data-list-entry-widget]");
    var details = form.matches("[data-list-entry-details]");
    var card = form.matches("[data-card-control]");
    if (!widget && !details && !card) return;
    event.preventDefault();
    var submitter = event.submitter;
    var message = widget ? widget.querySelector(".entry-controls__message") : form.querySelector(".entry-controls__message, .card-control__message");
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    busy(form, true);
    send(form, body)
      .then(function (answer) {
        if (widget && answer.html) {
          var holder = document.createElement("div");
          holder.innerHTML = answer.html;
          var fresh = holder.firstElementChild;
          // A live region is announced when its text changes, not when it arrives with text: it
          // arrives empty and says the message a moment later.
          var freshMessage = fresh.querySelector(".entry-controls__message");
          if (freshMessage) freshMessage.textContent = "";
          widget.replaceWith(fresh);
          if (freshMessage) setTimeout(function () { say(freshMessage, answer.message, !answer.ok); }, 50);
          var focusable = fresh.querySelector(submitter && submitter.name === "increment" ? ".entry-controls__plus, .entry-controls__save" : ".entry-controls__save");
          if (focusable) focusable.focus();
          return;
        }
        busy(form, false);
        say(message, answer.message, !answer.ok);
        if (card && answer.ok && answer.entry) {
          var state = form.querySelector(".card-control__state");
          if (!form.querySelector("select")) {
            // The one-click "Add to list" is done: the card now says so.
            form.querySelectorAll(".card-control__button").forEach(function (button) { button.hidden = true; });
            say(message, "On your list: " + answer.entry.status_label);
          } else if (state) {
            state.textContent = "On your list";
          }
        }
      })
      .catch(function (error) {
        busy(form, false);
        say(message, error.message, true);
      });
  });

  // A card's select saves as soon as it changes; its button is for pages without this script.
  function enhanceCards(root) {
    root.querySelectorAll("[data-card-control] select").forEach(function (select) {
      var form = select.form;
      var button = form.querySelector(".card-control__button");
      if (button) button.hidden = true;
      select.addEventListener("change", function () { form.requestSubmit(); });
    });
  }
  enhanceCards(document);
})();
