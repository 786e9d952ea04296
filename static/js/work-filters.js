// The works list's filter form, enhanced; without this script the form works as plain HTML.
// - Only what is set goes into the URL: empty fields (and the default sort) are left out on submit.
// - Each tag picker gets a box to type in: it narrows the picker's options, grouped by category.
(function () {
  "use strict";

  function dropEmptyFields(form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.disabled) return;
        var empty = field.value === "" || (field.dataset.default !== undefined && field.value === field.dataset.default);
        if (empty && field.type !== "checkbox" && field.type !== "radio") {
          // A disabled field is not sent; it is enabled again should the page come back from the history.
          field.disabled = true;
          field.dataset.dropped = "1";
        }
      });
    });
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("[data-dropped]").forEach(function (field) {
        field.disabled = false;
        delete field.dataset.dropped;
      });
    });
  }

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var pickers = 0;

  function enhancePicker(select) {
    pickers += 1;
    var id = "tag-search-" + pickers;
    var wrap = document.createElement("div");
    wrap.className = "tag-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.className = "visually-hidden";
    label.textContent = "Find a tag";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "tag-search__input";
    input.placeholder = "Type to find a tag…";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "tag-search__status";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    select.parentNode.insertBefore(wrap, select);

    var placeholder = select.querySelector("option[value='']");
    var options = Array.prototype.slice.call(select.querySelectorAll("option")).filter(function (o) { return o.value; });
    var names = options.map(function (o) { return normalise(o.textContent); });

    function narrow() {
      var query = normalise(input.value.trim());
      var shown = 0;
      if (placeholder) placeholder.hidden = Boolean(query);
      options.forEach(function (option, i) {
        var match = !query || names[i].indexOf(query) !== -1;
        option.hidden = !match;
        if (match) shown += 1;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (query) {
        // Opened as a list, the matching tags show under their categories at once.
        select.size = Math.max(2, Math.min(8, shown + select.querySelectorAll("optgroup:not([hidden])").length));
        status.textContent = shown === 0 ? "No tag matches." : shown + (shown === 1 ? " tag matches." : " tags match.");
      } else {
        select.size = 0;
        status.textContent = "";
      }
    }

    input.addEventListener("input", narrow);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first matching tag instead of sending the form half-filled.
        var first = options.filter(function (o) { return !o.hidden; })[0];
        if (input.value.trim() && first) {
          event.preventDefault();
          select.value = first.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          status.textContent = "Chosen: " + first.textContent + ". Apply to use it.";
        }
      } else if (event.key === "ArrowDown" && select.size > 1) {
        event.preventDefault();
        select.focus();
      }
    });
  }

  function init() {
    document.querySelectorAll("form[data-drop-empty]").forEach(dropEmptyFields);
    document.querySelectorAll("select[data-tag-picker]").forEach(enhancePicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
