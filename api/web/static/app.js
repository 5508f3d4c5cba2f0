// The student page's small helpers: a share link that keeps the input after the "#" (never
// sent to the server; the ticked admission conditions too), filling the form from such a link,
// and "use" buttons for suggestions.
(function () {
  "use strict";
  function form() { return document.getElementById("student-form"); }
  function fromHash() {
    var f = form();
    if (!f || location.hash.length < 2) return;
    var data;
    try { data = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { return; }
    if (!data || typeof data !== "object") return;
    f.elements.courses.value = String(data.courses || "");
    f.elements.bachelor.value = String(data.bachelor || "");
    f.elements.track.value = String(data.track || "");
    f.elements.studying.checked = !!data.studying;
    var meets = Array.isArray(data.meets) ? data.meets.map(String) : [];
    document.querySelectorAll('input[name="meets"]').forEach(function (box) {
      box.checked = meets.indexOf(box.value) >= 0;
    });
  }
  function share() {
    var f = form();
    var data = {
      courses: f.elements.courses.value, bachelor: f.elements.bachelor.value,
      track: f.elements.track.value, studying: f.elements.studying.checked,
      meets: Array.prototype.map.call(
        document.querySelectorAll('input[name="meets"]:checked'), function (box) { return box.value; })
    };
    var link = location.origin + location.pathname + "?lang=" + document.documentElement.lang +
      "#" + encodeURIComponent(JSON.stringify(data));
    var box = document.getElementById("share-box");
    var input = document.getElementById("share-link");
    input.value = link;
    box.hidden = false;
    input.focus();
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(link).catch(function () {}); }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.id === "share") { share(); }
    if (target.classList.contains("use")) {
      var area = document.getElementById("courses");
      var from = target.getAttribute("data-from"), to = target.getAttribute("data-to");
      area.value = area.value.split("\n").map(function (line) {
        return line.indexOf(from) === 0 ? to + line.slice(from.length) : line;
      }).join("\n");
      area.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", fromHash);
  window.addEventListener("hashchange", fromHash);
})();
