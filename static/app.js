// TradeDesk front-end glue: no inline scripts (Content-Security-Policy), htmx does the rest.
document.addEventListener("DOMContentLoaded", function () {
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.body.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
});
document.addEventListener("htmx:responseError", function (event) {
  var flashes = document.getElementById("flashes");
  if (!flashes) { return; }
  var li = document.createElement("li");
  li.className = "flash flash-error";
  li.setAttribute("role", "alert");
  li.textContent = document.documentElement.lang === "en"
    ? "The request failed (" + event.detail.xhr.status + "). Reload the page and try again."
    : "请求失败（" + event.detail.xhr.status + "），请刷新页面后重试。";
  flashes.appendChild(li);
});
// Global search: arrow keys move through the results, Escape closes them.
document.addEventListener("keydown", function (event) {
  var box = document.getElementById("search-dropdown");
  if (!box || !box.firstElementChild) { return; }
  var links = Array.prototype.slice.call(box.querySelectorAll("a"));
  var inSearch = event.target.id === "global-search" || box.contains(event.target);
  if (!inSearch) { return; }
  var index = links.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && links.length) { event.preventDefault(); links[Math.min(index + 1, links.length - 1)].focus(); }
  else if (event.key === "ArrowUp" && links.length) { event.preventDefault(); if (index <= 0) { document.getElementById("global-search").focus(); } else { links[index - 1].focus(); } }
  else if (event.key === "Escape") { box.innerHTML = ""; document.getElementById("global-search").focus(); }
});
// pricing (D6): "Use" buttons of the pricing helper copy a suggested figure into a quotation field.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill]");
  if (!button) { return; }
  var field = document.querySelector("[name='" + button.getAttribute("data-fill") + "']");
  if (!field) { return; }
  field.value = button.getAttribute("data-value");
  field.dispatchEvent(new Event("change", { bubbles: true }));
  field.focus();
});
