/* React to a comment without leaving the page. The reaction form works without this
   script (it posts and the server redirects back to the comment); here the same POST goes
   through fetch, asking for JSON, and the button and count are set from the server's
   answer (never counted here). On any failure the form is submitted the ordinary way, and
   the server's page says what went wrong (a rate limit, a ban). */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;
  var announcer;

  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      (document.querySelector("main") || document.body).appendChild(announcer);
    }
    announcer.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reaction")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    var on = form.querySelector("input[name=on]");
    var count = form.querySelector("[data-reaction-count]");
    if (button.disabled) return; // one press at a time
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        on.value = answer.on ? "0" : "1";
        button.setAttribute("aria-pressed", answer.on ? "true" : "false");
        count.textContent = answer.count;
        announce(answer.label + (answer.on ? " given" : " taken back") + ": " + answer.count);
        button.disabled = false;
      })
      .catch(function () {
        form.submit();
      });
  });
})();
