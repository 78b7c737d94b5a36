// The dashboard polls every 60 s; skip polls while the tab is hidden and refresh once on return.
(function () {
  if (window.daihoiDashboard) return;
  window.daihoiDashboard = true;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (document.hidden && evt.detail.elt && evt.detail.elt.id === "dashboard") evt.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    var el = document.getElementById("dashboard");
    if (!document.hidden && el && window.htmx) window.htmx.trigger(el, "refresh");
  });
})();
