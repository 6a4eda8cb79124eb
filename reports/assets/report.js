/* Sorting, filtering and searching the report's tables, in the page, without any library.
   The page is complete without this script: it only adds controls and hides or reorders rows.
   It reads text from the page and never writes data back as markup (textContent only). */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });

  function sortKey(cell) {
    if (!cell) return "";
    var given = cell.getAttribute("data-value");
    return given !== null ? given : cell.textContent.trim();
  }

  function sortTable(table, header, column, numeric) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      if (cell.hasAttribute("aria-sort")) cell.setAttribute("aria-sort", "none");
    });
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, position) {
      var key = sortKey(row.cells[column]);
      if (numeric) {
        key = parseFloat(key);
        if (isNaN(key)) key = -Infinity;
      }
      return { row: row, key: key, position: position };
    });
    keyed.sort(function (a, b) {
      var order = numeric ? a.key - b.key : collator.compare(a.key, b.key);
      if (!ascending) order = -order;
      return order || a.position - b.position; // stable: ties keep their order
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var kind = header.getAttribute("data-sort");
      if (!kind) return;
      // A real button inside the header: reachable by keyboard, announced by screen readers.
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        sortTable(table, header, column, kind === "num");
      });
    });
  }

  function makeFilterable(box) {
    var toolbar = box.querySelector(".toolbar");
    if (!toolbar) return;
    var items = Array.prototype.slice.call(box.querySelectorAll("[data-item]"));
    var search = toolbar.querySelector('[data-filter="q"]');
    var severity = toolbar.querySelector('[data-filter="severity"]');
    var rule = toolbar.querySelector('[data-filter="rule"]');
    var status = toolbar.querySelector(".status");
    var empty = box.querySelector(".no-match");
    var template = document.body.getAttribute("data-shown") || "{shown} / {total}";
    // A section capped at its first few hundred items: what its filters match in the whole section
    // is known per severity and rule; a search can read only the page.
    var total = Number(box.getAttribute("data-total") || 0);
    var counts = total ? JSON.parse(box.getAttribute("data-counts") || "{}") : null;
    var group = document.body.getAttribute("data-group") || ",";
    function number(value) {
      return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, group);
    }
    // Its every finding, as "severity|rule<TAB>searched text" lines, gzipped: decoded on the first
    // search, so that a search counts over the whole section. Without DecompressionStream the search
    // says it read the page only.
    var indexNode = box.querySelector("script.search-index");
    var index = null;
    var loading = false;
    function loadIndex() {
      if (index || loading || !indexNode || typeof DecompressionStream === "undefined") return;
      loading = true;
      var binary = atob(indexNode.textContent.trim());
      var bytes = new Uint8Array(binary.length);
      for (var at = 0; at < binary.length; at += 1) bytes[at] = binary.charCodeAt(at);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      new Response(stream).text().then(function (text) {
        index = text.split("\n").map(function (line) {
          var tab = line.indexOf("\t");
          var head = line.slice(0, tab).split("|");
          return {severity: head[0], rule: head[1], text: line.slice(tab + 1)};
        });
        apply();
      });
    }
    function say(text, values) {
      return Object.keys(values).reduce(function (said, key) {
        return said.split("{" + key + "}").join(number(values[key]));
      }, text);
    }
    var texts = null; // built on first search: the page may hold thousands of rows
    var timer = 0;

    function apply() {
      var query = search ? search.value.trim().toLocaleLowerCase() : "";
      var wantSeverity = severity ? severity.value : "";
      var wantRule = rule ? rule.value : "";
      if (query && !texts) {
        // Only what came from the data or names a code (marked translate="no"): the report's own
        // words ("invalid", "looks like test or filler") would match every row of a section.
        texts = items.map(function (item) {
          return Array.prototype.map.call(item.querySelectorAll('[translate="no"]'), function (part) {
            return part.textContent;
          }).join(" ").toLocaleLowerCase();
        });
      }
      var shown = 0;
      items.forEach(function (item, index) {
        var visible = (!wantSeverity || item.getAttribute("data-severity") === wantSeverity) &&
          (!wantRule || item.getAttribute("data-rule") === wantRule) &&
          (!query || texts[index].indexOf(query) !== -1);
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      if (!counts) {
        status.textContent = say(template, {shown: shown, total: items.length});
      } else if (query && !index) {
        loadIndex();
        status.textContent = say(document.body.getAttribute("data-capped-search"),
          {shown: shown, page: items.length, rest: total - items.length});
      } else if (query) {
        var found = index.reduce(function (sum, line) {
          var wanted = (!wantSeverity || line.severity === wantSeverity) && (!wantRule || line.rule === wantRule) &&
            line.text.indexOf(query) !== -1;
          return sum + (wanted ? 1 : 0);
        }, 0);
        status.textContent = say(document.body.getAttribute("data-capped-filter"),
          {shown: shown, page: items.length, whole: found, total: total});
      } else {
        var whole = Object.keys(counts).reduce(function (sum, key) {
          var parts = key.split("|");
          var wanted = (!wantSeverity || parts[0] === wantSeverity) && (!wantRule || parts[1] === wantRule);
          return sum + (wanted ? counts[key] : 0);
        }, 0);
        status.textContent = say(document.body.getAttribute("data-capped-filter"),
          {shown: shown, page: items.length, whole: whole, total: total});
      }
      if (empty) empty.hidden = shown !== 0;
    }

    if (search) {
      search.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(apply, 120);
      });
    }
    if (severity) severity.addEventListener("change", apply);
    if (rule) rule.addEventListener("change", apply);
    toolbar.hidden = false;
    apply();
  }

  // "Not the same person" on a duplicate card: every pair of its records goes into a decisions file
  // (file_a,id_a,file_b,id_b,decision) the person downloads and gives the next audit (--decisions).
  function makeDecisions() {
    var bar = document.querySelector(".decisions-bar");
    var buttons = Array.prototype.slice.call(document.querySelectorAll("button.not-same"));
    if (!bar || !buttons.length) return;
    var count = bar.querySelector(".decisions-count");
    var marked = new Set();
    function cell(value) {
      return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
    }
    function show() {
      bar.hidden = marked.size === 0;
      count.textContent = bar.getAttribute("data-marked").split("{count}").join(String(marked.size));
    }
    buttons.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        if (on) marked.add(button); else marked.delete(button);
        show();
      });
    });
    bar.querySelector(".decisions-download").addEventListener("click", function () {
      var lines = ["file_a,id_a,file_b,id_b,decision"];
      buttons.forEach(function (button) {
        if (!marked.has(button)) return;
        var keys = JSON.parse(button.getAttribute("data-keys"));
        for (var a = 0; a < keys.length; a += 1) {
          for (var b = a + 1; b < keys.length; b += 1) {
            lines.push([keys[a][0], keys[a][1], keys[b][0], keys[b][1], "not_same_person"].map(cell).join(","));
          }
        }
      });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], {type: "text/csv"}));
      link.download = "crm-audit-decisions.csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  document.querySelectorAll("[data-js-off]").forEach(function (note) { note.hidden = true; });
  makeDecisions();
  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("[data-filterable]").forEach(makeFilterable);
  // Printing shows everything, including the collapsed column mappings.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });
})();
