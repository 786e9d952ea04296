// Search-as-you-type for any form[data-suggest]: the form works without this script.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function enhance(form) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var active = -1;

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function render(items) {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        var link = document.createElement("a");
        link.href = item.url;
        link.tabIndex = -1;
        link.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "suggestions__kind";
        kind.textContent = item.kind + (item.adult ? " · 18+" : "");
        link.appendChild(kind);
        li.appendChild(link);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    var fetchSuggestions = debounce(function (query) {
      if (query.length < 2) { close(); return; }
      fetch(form.dataset.suggest + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === data.query) render(data.suggestions); })
        .catch(close);
    }, 150);

    input.addEventListener("input", function () { fetchSuggestions(input.value.trim()); });
    input.addEventListener("keydown", function (event) {
      var options = list.querySelectorAll("[role=option]");
      if (event.key === "Escape") { close(); return; }
      if (!options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
        options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
        input.setAttribute("aria-activedescendant", options[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options[active].querySelector("a").href;
      }
    });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) close(); });
  }

  document.querySelectorAll("form[data-suggest]").forEach(enhance);
})();
