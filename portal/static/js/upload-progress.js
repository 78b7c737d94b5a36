// Upload progress for the unit import form (htmx fires htmx:xhr:progress while the file is sent).
document.addEventListener("htmx:xhr:progress", function (event) {
  var bar = document.getElementById("upload-progress");
  if (bar && event.detail && event.detail.lengthComputable) {
    bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
  }
});
