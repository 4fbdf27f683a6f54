// Every page: "/" focuses the search box, "Add to compare" toggles in place, BibTeX copies.
// Without this file every control is a plain link or form and still works.
(function () {
  "use strict";

  var COOKIE = "compare";
  var SEP = "."; // "," is not allowed in a cookie value; "." never occurs in a citation key

  // --- "/" focuses search ------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.querySelector("#q, #site-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // --- The comparison selection (the same cookie the server reads) ---------------------------
  function readSelection() {
    var match = document.cookie.match(/(?:^|;\s*)compare=([^;]*)/);
    if (!match) return [];
    return decodeURIComponent(match[1]).replace(/"/g, "").split(SEP).filter(Boolean);
  }

  function writeSelection(keys) {
    var secure = location.protocol === "https:" ? "; secure" : "";
    if (keys.length) {
      document.cookie = COOKIE + "=" + keys.join(SEP) + "; path=/; max-age=31536000; samesite=lax" + secure;
    } else {
      document.cookie = COOKIE + "=; path=/; max-age=0; samesite=lax" + secure;
    }
  }

  function compareUrl(keys) {
    return "/compare/" + (keys.length ? "?papers=" + keys.map(encodeURIComponent).join(",") : "");
  }

  function showSelection(root) {
    var keys = readSelection();
    var link = document.getElementById("compare-link");
    if (link) {
      link.href = compareUrl(keys);
      var count = link.querySelector("[data-compare-count]");
      if (count) count.textContent = keys.length ? " (" + keys.length + ")" : "";
    }
    var buttons = (root || document).querySelectorAll("[data-compare]");
    for (var i = 0; i < buttons.length; i++) {
      var key = buttons[i].getAttribute("data-compare");
      var on = keys.indexOf(key) !== -1;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].textContent = on ? "Remove from compare" : "Add to compare";
      buttons[i].href = "/compare/?" + (on ? "remove=" : "add=") + encodeURIComponent(key);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-compare]");
    if (!button || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var key = button.getAttribute("data-compare");
    var keys = readSelection();
    var at = keys.indexOf(key);
    if (at === -1) keys.push(key);
    else keys.splice(at, 1);
    writeSelection(keys);
    showSelection();
  });

  // --- Copy buttons (BibTeX) -------------------------------------------------------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) {
        var button = event.currentTarget;
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector(".copy-status");
        copyText(source.textContent).then(
          function () { if (status) status.textContent = "Copied to the clipboard."; },
          function () { if (status) status.textContent = "Copy failed: select the text and copy it."; }
        );
      });
    }
  }

  function start() {
    // The compare page's URL is the selection: keep the cookie in step with it.
    var comparePage = document.getElementById("compare-page");
    if (comparePage) {
      var keys = comparePage.getAttribute("data-compare-keys");
      writeSelection(keys ? keys.split(",") : []);
    }
    showSelection();
    setUpCopyButtons();
    // The search script swaps result lists in; refresh their buttons.
    document.addEventListener("content:updated", function (event) { showSelection(event.target); });
    // Coming back through the history cache shows the page as it was: refresh the selection.
    window.addEventListener("pageshow", function () { showSelection(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
