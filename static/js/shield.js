// The spoiler shield (?upto=N), remembered in this browser only when the reader ticks
// "Remember on this browser". The shield itself is a plain GET form and works without
// this script; nothing is sent to the site, the choice stays in localStorage.
(function () {
  "use strict";
  var form = document.querySelector("form[data-shield]");
  if (!form) return;
  var key = "reviewsite-shield:" + form.getAttribute("data-shield");
  var box = form.querySelector("[data-shield-remember]");
  var saved = null;
  try {
    saved = window.localStorage.getItem(key);
  } catch (e) {
    return; // storage refused (private mode, settings): the form still works
  }
  box.closest(".shield__remember").hidden = false;
  box.checked = saved !== null;

  form.addEventListener("submit", function () {
    var value = form.elements.upto.value;
    if (box.checked && value) window.localStorage.setItem(key, value);
    else window.localStorage.removeItem(key);
  });
  document.querySelectorAll("[data-shield-clear]").forEach(function (link) {
    link.addEventListener("click", function () {
      window.localStorage.removeItem(key);
    });
  });

  var params = new URLSearchParams(window.location.search);
  if (saved && !params.has("upto") && /^\d{1,3}$/.test(saved)) {
    params.set("upto", saved);
    window.location.replace(window.location.pathname + "?" + params + window.location.hash);
  }
})();
