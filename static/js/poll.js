/* Vote without leaving the page. The poll form works without this script (it posts and
   the server redirects back to #poll); here the same POST goes through fetch and the
   poll section of the page the server answers with replaces the old one, so the bars,
   counts and messages are exactly what a reload would show. On any failure the form is
   submitted the ordinary way. A status message inserted with the new section would not
   be read out, so its text goes to one live region that stays on the page. */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.FormData) return;
  var announcer;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-poll-form")) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var section = document.getElementById("poll");
    if (section) section.setAttribute("aria-busy", "true");
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.id = "poll-announcer";
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      (document.querySelector("main") || document.body).appendChild(announcer);
    }

    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("poll");
        if (!fresh || !section) throw new Error("no poll in the answer");
        section.replaceWith(fresh);
        fresh.focus({ preventScroll: true });
        var note = fresh.querySelector(".message");
        announcer.textContent = note ? note.textContent : "";
      })
      .catch(function () {
        form.submit(); // the server says what went wrong (a 429 page, a message)
      });
  });
})();
