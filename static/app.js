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
