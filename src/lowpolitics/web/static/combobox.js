/* Searchable text fields: an <input data-lookup="/lookup/..."> becomes an ARIA combobox.
 *
 * The field stays a text box that accepts anything (a new actor, a place the gazetteer does
 * not know); as the user types, the server is asked for a few suggestions and they are shown
 * in a listbox under the field. Arrow keys move through them, Enter or a click takes one,
 * Escape closes the list. Suggestions are written with textContent, never as HTML.
 *
 *   data-lookup-country="f-host_country"  the field whose ISO code narrows the suggestions
 *   data-lookup-multiple=";"              the field holds several values: complete the last
 *
 * Without JavaScript the fields are plain text boxes, as before.
 */
(function () {
  "use strict";
  var DELAY = 150;
  var counter = 0;

  function setup(input) {
    var id = input.id || "combo-" + (++counter);
    input.id = id;
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "combo-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var wrap = document.createElement("div");
    wrap.className = "combo";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var separator = input.dataset.lookupMultiple || "";
    var timer = null;
    var asked = 0;
    var active = -1;

    function term() {
      var value = input.value;
      if (separator) {
        var parts = value.split(separator);
        value = parts[parts.length - 1];
      }
      return value.trim();
    }

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      var value = option.dataset.value;
      if (separator) {
        var parts = input.value.split(separator);
        parts[parts.length - 1] = (parts.length > 1 ? " " : "") + value;
        input.value = parts.join(separator);
      } else {
        input.value = value;
      }
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }

    function show(answer) {
      list.textContent = "";
      var items = answer.items || [];
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.value = item.value;
        li.textContent = item.label;
        list.appendChild(li);
      });
      if (answer.note) {
        var note = document.createElement("li");
        note.className = "combo-note";
        note.setAttribute("role", "presentation");
        note.textContent = answer.note;
        list.appendChild(note);
      }
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var open = list.childNodes.length > 0 && document.activeElement === input;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function ask() {
      var text = term();
      if (!text && !input.dataset.lookupCountry) {
        close();
        return;
      }
      var url = input.dataset.lookup + "?q=" + encodeURIComponent(text);
      var from = input.dataset.lookupCountry && document.getElementById(input.dataset.lookupCountry);
      if (from && from.value.trim()) url += "&country=" + encodeURIComponent(from.value.trim());
      var mine = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (answer) { if (mine === asked) show(answer); })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight(active + 1); else ask();
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(options()[active]); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    // mousedown would take the focus from the field before the click lands
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
  }

  function init(root) {
    var fields = (root || document).querySelectorAll("input[data-lookup]:not([role=combobox])");
    for (var i = 0; i < fields.length; i++) setup(fields[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
