// Sections fold to their heading (a "Collapse" / "Expand" button on each, and one for them
// all), so a long review fits on a screen while it is reordered. Without JavaScript every
// section stays open. A section with an error (marked by the server) is never folded.
document.addEventListener("DOMContentLoaded", function () {
  var group = document.getElementById("sections-group");
  if (!group) return;

  function sectionRows() {
    return Array.prototype.filter.call(group.querySelectorAll(".inline-related[id]"), function (row) {
      return !row.classList.contains("empty-form");
    });
  }
  function hasError(row) { return !!row.querySelector(".errorlist, .errors"); }
  // What a folded section shows beside its name: its heading as typed, when the name
  // (the saved heading, or "#3" for a new one) does not say it already, else its first words.
  function title(row) {
    var heading = row.querySelector("input[name$='-heading']");
    var body = row.querySelector("textarea[name$='-body']");
    var label = row.querySelector("h3 .inline_label");
    var text = heading && heading.value.trim();
    if (text && label && label.textContent.trim() === text) return "";
    text = text || (body && body.value.trim().split("\n")[0]) || "";
    return text.length > 80 ? text.slice(0, 79) + "\u2026" : text;
  }

  function fold(row, folded) {
    if (folded && hasError(row)) folded = false;
    var button = row.querySelector(".editors-fold");
    row.classList.toggle("editors-folded", folded);
    if (!button) return;
    button.setAttribute("aria-expanded", String(!folded));
    button.firstChild.textContent = folded ? "Expand" : "Collapse";
    var summary = row.querySelector(".editors-fold-summary");
    summary.textContent = folded ? title(row) : "";
  }

  function setUp(row) {
    if (row.querySelector(".editors-fold")) return;
    var heading = row.querySelector("h3");
    if (!heading) return;
    var summary = document.createElement("span");
    summary.className = "editors-fold-summary";
    heading.appendChild(summary);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button editors-fold";
    button.setAttribute("aria-expanded", "true");
    button.appendChild(document.createTextNode("Collapse"));
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " this section";
    button.appendChild(which);
    button.addEventListener("click", function () {
      fold(row, !row.classList.contains("editors-folded"));
    });
    heading.insertBefore(button, heading.firstChild);
  }

  var all = document.createElement("button");
  all.type = "button";
  all.className = "button editors-fold-all";
  all.textContent = "Collapse all sections";
  all.addEventListener("click", function () {
    var folding = all.textContent.indexOf("Collapse") === 0;
    sectionRows().forEach(function (row) { setUp(row); fold(row, folding); });
    all.textContent = folding ? "Expand all sections" : "Collapse all sections";
  });
  var groupHeading = group.querySelector("h2");
  if (groupHeading) groupHeading.insertAdjacentElement("afterend", all);

  sectionRows().forEach(setUp);
  document.addEventListener("formset:added", function (event) {
    if (event.detail && event.detail.formsetName === "sections") sectionRows().forEach(setUp);
  });
});
