// Enhancement only: the number of characters left under fields with a limit (the limit is
// in their help text without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.editors-wide[maxlength]").forEach(function (input) {
    var left = document.createElement("div");
    left.className = "help editors-left";
    input.parentElement.insertAdjacentElement("afterend", left);
    function update() {
      var n = input.maxLength - input.value.length;
      left.textContent = n + (n === 1 ? " character left" : " characters left");
    }
    input.addEventListener("input", update);
    update();
  });
});
