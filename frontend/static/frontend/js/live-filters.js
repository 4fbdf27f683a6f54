// A filter form that updates its results in place, as the search page does: the server renders the same
// fragment (?partial=1) that a full page load shows, so this script only fetches and swaps it. The address
// bar follows every change (bookmarks, shared links, the back button). Without the script the form is a
// plain GET form and the links are plain links.
//
// Markup: <form data-live-filters="REGION-ID"> ... </form> and <div id="REGION-ID">fragment</div>; the
// fragment's first element may carry data-title and data-status; a <p id="REGION-ID-status"> announces it.
(function () {
  "use strict";

  var form = document.querySelector("form[data-live-filters]");
  if (!form || !window.fetch || !window.history.pushState || !window.URLSearchParams) return;
  var region = document.getElementById(form.getAttribute("data-live-filters"));
  var status = document.getElementById(form.getAttribute("data-live-filters") + "-status");
  if (!region) return;
  var controller = null;

  function urlForForm() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      var value = String(field.value || "").trim();
      if (!field.name || field.disabled || value === "" || field.type === "submit") return;
      if (value === field.getAttribute("data-default")) return; // the default needs no place in the address
      params.append(field.name, value);
    });
    var query = params.toString();
    return new URL(form.getAttribute("action") || location.pathname, location.href).pathname + (query ? "?" + query : "");
  }

  // The form shows what the address says (after the back button, or a link in the fragment).
  function syncForm() {
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) return;
      var value = params.get(field.name) || "";
      if (field.tagName === "SELECT") {
        var match = Array.prototype.some.call(field.options, function (option) { return option.value === value; });
        field.value = match ? value : field.options.length ? field.options[0].value : "";
      } else if (field.type !== "submit" && field.type !== "button") {
        field.value = value;
      }
    });
  }

  // how: "push" adds a history entry, "none" leaves it (popstate).
  function load(url, how, after) {
    if (controller) controller.abort();
    controller = new AbortController();
    var fetchUrl = new URL(url, location.href);
    fetchUrl.searchParams.set("partial", "1");
    region.setAttribute("aria-busy", "true");
    return fetch(fetchUrl.toString(), { signal: controller.signal, headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (how === "push") history.pushState({ liveFilters: true }, "", url);
        region.innerHTML = html;
        var inner = region.firstElementChild;
        if (inner) {
          if (inner.getAttribute("data-title")) document.title = inner.getAttribute("data-title");
          if (status) status.textContent = inner.getAttribute("data-status") || "";
        }
        region.removeAttribute("aria-busy");
        region.dispatchEvent(new CustomEvent("content:updated", { bubbles: true }));
        if (after) after();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        region.removeAttribute("aria-busy");
        location.assign(url); // let the server show the page (and any error) the ordinary way
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlForForm(), "push");
  });

  // A choice in a list applies at once; typed fields apply on Enter or the Apply button.
  form.addEventListener("change", function (event) {
    if (event.target.tagName !== "SELECT") return;
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  });

  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download") || link.hasAttribute("data-export")) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return; // a paper, an export, ...
    event.preventDefault();
    var paging = link.closest(".pagination") !== null;
    load(url.pathname + url.search, "push", function () {
      syncForm();
      var heading = region.querySelector("h2[tabindex]");
      if (paging && heading) {
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "nearest" });
      }
    });
  });

  window.addEventListener("popstate", function () {
    syncForm();
    load(location.pathname + location.search, "none");
  });
})();
