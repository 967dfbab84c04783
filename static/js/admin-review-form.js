// Enhancement only, for the review form: a warning before leaving with unsaved changes
// (the preview pane's "Refresh preview", which posts the form to the preview, keeps it).
// Without JavaScript the form saves as usual, "Refresh preview" works the same, and
// "Preview" opens the saved version in a new tab.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review_form");
  if (!form) return;
  var dirty = false;
  function changed() { dirty = true; }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    var refresh = event.submitter && event.submitter.classList.contains("review-preview__refresh");
    if (!refresh) { dirty = false; return; }
    // The preview is of the text: chosen photos are not sent (it would not store them).
    var files = form.querySelectorAll("input[type=file]:not([disabled])");
    files.forEach(function (input) { input.disabled = true; });
    setTimeout(function () { files.forEach(function (input) { input.disabled = false; }); }, 0);
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });
});

// Ordering sections, photos and credits by dragging their heading (or with "Move up" /
// "Move down", which then move the row here instead of saving). Before the form is sent,
// each list's hidden order fields are numbered as the rows now stand. Without JavaScript
// the buttons save the form and the server swaps the rows.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review_form");
  if (!form) return;
  var groups = ["sections", "figures", "credits"].map(function (prefix) {
    return document.getElementById(prefix + "-group");
  }).filter(Boolean);

  // A row: a stacked inline's box (sections, photos) or a tabular inline's line (credits).
  var ROW = ".inline-related[id], tr.form-row[id]";

  function rows(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll(ROW),
      function (row) { return !row.classList.contains("empty-form") && row.id; }
    );
  }

  function changed() { form.dispatchEvent(new Event("change")); }

  // A form shown again (refused, or asked once more by the content checks) lists its rows
  // in the order they were sent, not as they were arranged: put them back by their order.
  groups.forEach(function (group) {
    var numbered = rows(group).map(function (row, index) {
      var order = row.querySelector("input[name$='-order']");
      var value = parseInt(order && order.value, 10);
      return { row: row, key: value > 0 ? value : Infinity, index: index };
    });
    var sorted = numbered.slice().sort(function (a, b) { return a.key - b.key || a.index - b.index; });
    if (sorted.every(function (item, i) { return item === numbered[i]; })) return;
    var anchor = numbered[numbered.length - 1].row.nextSibling;
    var parent = numbered[0].row.parentNode;
    sorted.forEach(function (item) { parent.insertBefore(item.row, anchor); });
  });

  groups.forEach(function (group) {
    var dragged = null;
    group.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(ROW);
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
      dragged.classList.add("editors-dragging");
    });
    group.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("editors-dragging");
      dragged = null;
    });
    group.addEventListener("dragover", function (event) {
      if (dragged && event.target.closest(ROW)) event.preventDefault();
    });
    group.addEventListener("drop", function (event) {
      var target = event.target.closest(ROW);
      if (!dragged || !target || target === dragged) return;
      event.preventDefault();
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      target.parentNode.insertBefore(dragged, after ? target.nextSibling : target);
      changed();
    });
    function handles() {
      rows(group).forEach(function (row) {
        var heading = row.querySelector("h3, td.original");
        if (heading && !heading.draggable) {
          heading.draggable = true;
          heading.classList.add("editors-drag-handle");
          heading.title = "Drag to reorder";
        }
      });
    }
    handles();
    document.addEventListener("formset:added", handles);
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=_move]");
    if (!button) return;
    var row = button.closest(ROW);
    var up = /-up$/.test(button.value);
    var sibling = up ? row.previousElementSibling : row.nextElementSibling;
    event.preventDefault();
    if (!sibling || !sibling.matches(ROW) || sibling.classList.contains("empty-form")) return;
    row.parentNode.insertBefore(row, up ? sibling : sibling.nextSibling);
    button.focus();
    changed();
  });

  // Saved rows and new rows with something typed in: numbering an untouched new row
  // would make it look filled in (it keeps 0, which the server reads as "after the others").
  function inUse(row) {
    var id = row.querySelector("input[name$='-id']");
    if (id && id.value) return true;
    return Array.prototype.some.call(
      row.querySelectorAll("input[type=text], input[type=file], textarea"),
      function (input) { return input.value.trim() !== ""; }
    );
  }
  form.addEventListener("submit", function () {
    groups.forEach(function (group) {
      var number = 0;
      rows(group).forEach(function (row) {
        var order = row.querySelector("input[name$='-order']");
        if (order && inUse(row)) order.value = ++number;
      });
    });
  });
});

// A photo's placement lists the sections as they stand on the form, saved or not, named
// by their headings, and the places inside each (before its first paragraph, after any
// other), following as sections are added, typed, moved or removed. Without JavaScript
// the list offers those of the saved sections and section numbers beyond them.
document.addEventListener("DOMContentLoaded", function () {
  var sections = document.getElementById("sections-group");
  var figures = document.getElementById("figures-group");
  if (!sections || !figures) return;

  function sectionRows() {
    return Array.prototype.filter.call(sections.querySelectorAll(".inline-related"), function (row) {
      if (row.classList.contains("empty-form") || !row.id) return false;
      var remove = row.querySelector("input[name$='-DELETE']");
      return !(remove && remove.checked);
    });
  }

  // The sections in the order the lists last named them: a photo placed after (or in)
  // a section follows that section when it is moved, as the server does for Move up.
  var last = sectionRows();

  function follow(value, rows) {
    var parts = value.split(".");
    var section = last[Number(parts[0]) - 1];
    var moved = section ? rows.indexOf(section) : -1;
    if (moved === -1) return value;
    parts[0] = String(moved + 1);
    return parts.join(".");
  }

  function update() {
    var rows = sectionRows();
    figures.querySelectorAll("select[name$='-position']").forEach(function (select) {
      if (select.name.indexOf("__prefix__") !== -1) return;
      var current = follow(select.value || "0", rows);
      var options = [["0", "Lead photo, under the headline"]];
      rows.forEach(function (row, index) {
        var number = index + 1;
        var heading = row.querySelector("input[name$='-heading']");
        var body = row.querySelector("textarea[name$='-body']");
        var text = heading && heading.value.trim();
        // Paragraphs as the server counts them: blocks separated by a blank line.
        var paragraphs = body ? body.value.split(/\n\s*\n/).filter(function (p) { return p.trim(); }).length : 0;
        for (var after = 0; after < paragraphs; after++) {
          options.push([number + "." + after, "In section " + number + ", " +
            (after === 0 ? "before its first paragraph" : "after paragraph " + after)]);
        }
        options.push([String(number), "After section " + number + ": " +
          (text ? "\u201c" + text + "\u201d" : (index === 0 ? "the introduction" : "(no heading)"))]);
      });
      if (!options.some(function (pair) { return pair[0] === current; })) {
        options.push([current, "As saved: " + (current.indexOf(".") === -1
          ? "after section " + current
          : "in section " + current.replace(".", ", after paragraph ")) + " (not on the form)"]);
      }
      select.textContent = "";
      options.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        option.selected = pair[0] === current;
        select.appendChild(option);
      });
    });
    last = rows;
  }

  sections.addEventListener("input", update);
  sections.addEventListener("change", update);
  sections.addEventListener("drop", function () { setTimeout(update, 0); });
  sections.addEventListener("click", function () { setTimeout(update, 0); });
  document.addEventListener("formset:added", update);
  document.addEventListener("formset:removed", update);
  update();
});
