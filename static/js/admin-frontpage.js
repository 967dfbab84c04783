// Enhancement only: drag the front page's picks into order. Without JavaScript (and from the
// keyboard) the "Move up" / "Move down" buttons do the same; dropping a row renumbers the
// Order fields, and Save stores them.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.querySelector("#picks-group tbody");
  if (!body) return;
  var dragged = null;
  function rows() {
    return Array.prototype.filter.call(body.querySelectorAll("tr.form-row"), function (row) {
      var review = row.querySelector("select[name$='-review']");
      return review && review.value;
    });
  }
  function renumber() {
    rows().forEach(function (row, i) {
      row.querySelector("input[name$='-order']").value = i + 1;
    });
  }
  rows().forEach(function (row) {
    row.draggable = true;
    row.style.cursor = "move";
    row.title = "Drag to reorder, then save";
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
    });
    row.addEventListener("dragover", function (event) {
      if (dragged && dragged !== row) event.preventDefault();
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged || dragged === row) return;
      var after = row.compareDocumentPosition(dragged) & Node.DOCUMENT_POSITION_PRECEDING;
      body.insertBefore(dragged, after ? row.nextSibling : row);
      dragged = null;
      renumber();
    });
  });
});
