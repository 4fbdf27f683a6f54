// The home page: results follow the search box as you type, and facet links, the sort, the year
// range and the page links update the results in place. The server renders the same fragment
// (?partial=1) that a full page load shows, so this script only fetches and swaps; the address bar
// follows every change, so a search can be bookmarked, shared and walked back with the back button.
(function () {
  "use strict";

  var DEBOUNCE_MS = 180;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var region = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!form || !input || !region || !window.fetch || !window.history.pushState) return;

  var timer = 0;
  var controller = null;
  var typing = false; // while typing, one history entry is updated instead of one per keystroke

  function urlForQuery(text) {
    var params = new URLSearchParams(location.search);
    text = text.trim();
    if (text) params.set("q", text);
    else params.delete("q");
    params.delete("page");
    if (!text && params.get("ordering") === "relevance") params.delete("ordering");
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function urlForForm(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, name) {
      if (name !== "q" && String(value).trim() !== "") params.append(name, value);
    });
    // The box may hold newer text than the fragment's hidden copy of it.
    if (input.value.trim()) params.set("q", input.value.trim());
    var query = params.toString();
    return new URL(formElement.getAttribute("action") || location.pathname, location.href).pathname + (query ? "?" + query : "");
  }

  // how: "push" adds a history entry, "replace" updates the current one, "none" leaves it (popstate).
  function load(url, how, after) {
    if (controller) controller.abort();
    controller = new AbortController();
    var fetchUrl = new URL(url, location.href);
    fetchUrl.searchParams.set("partial", "1");
    var focusedId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : "";
    region.setAttribute("aria-busy", "true");
    return fetch(fetchUrl.toString(), { signal: controller.signal, headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (how === "push") history.pushState({ search: true }, "", url);
        else if (how === "replace") history.replaceState({ search: true }, "", url);
        region.innerHTML = html;
        var inner = region.firstElementChild;
        if (inner) {
          if (inner.getAttribute("data-title")) document.title = inner.getAttribute("data-title");
          if (status) status.textContent = inner.getAttribute("data-status") || "";
        }
        region.removeAttribute("aria-busy");
        region.dispatchEvent(new CustomEvent("content:updated", { bubbles: true }));
        if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
        if (after) after();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        region.removeAttribute("aria-busy");
        location.assign(url); // let the server show the page (and any error) the ordinary way
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = urlForQuery(input.value);
      if (url === location.pathname + location.search) return;
      // Only a push that happened (not one cut short by the next keystroke) starts the entry to update.
      load(url, typing ? "replace" : "push", function () { typing = true; });
    }, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && input.value) {
      input.value = "";
      input.dispatchEvent(new Event("input"));
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    typing = false;
    load(urlForQuery(input.value), "push");
  });

  function focusResults() {
    var heading = document.getElementById("results-heading");
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "nearest" });
    }
  }

  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("data-compare") || link.target || link.hasAttribute("download")) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return; // a paper, a category, ...
    event.preventDefault();
    typing = false;
    var paging = link.closest(".pagination") !== null;
    if (link.closest(".active-filters")) input.value = url.searchParams.get("q") || "";
    load(url.pathname + url.search, "push", paging ? focusResults : null);
  });

  region.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.hasAttribute("data-nav")) return;
    event.preventDefault();
    typing = false;
    clearTimeout(timer);
    load(urlForForm(target), "push");
  });

  region.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-autosubmit")) {
      var target = event.target.form;
      if (target.requestSubmit) target.requestSubmit();
      else target.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
    }
  });

  window.addEventListener("popstate", function () {
    clearTimeout(timer);
    typing = false;
    input.value = new URLSearchParams(location.search).get("q") || "";
    load(location.pathname + location.search, "none");
  });

  // Typing starts afresh after leaving the box, so the next search gets its own history entry.
  input.addEventListener("blur", function () { typing = false; });
})();
