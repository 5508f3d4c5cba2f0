// The student page's small helpers: a share link that keeps the input after the "#" (never
// sent to the server; the chosen masters, the start month and the ticked admission conditions
// too), filling the form from such a link and checking it at once, a search over the target
// masters, and "use" buttons for suggestions.
(function () {
  "use strict";
  var TEXT = ["courses", "bachelor", "track", "start"];
  var LISTS = ["masters", "meets"];
  function form() { return document.getElementById("student-form"); }
  function own(data, key) { return Object.prototype.hasOwnProperty.call(data, key); }
  // The fragment's input, or null when it is not an object of the expected shape: each text
  // field a string, "studying" a boolean, each list an array of strings (nothing else is read).
  function parse(hash) {
    if (!hash || hash.length < 2) return null;
    var data;
    try { data = JSON.parse(decodeURIComponent(hash.slice(1))); } catch (e) { return null; }
    if (!data || typeof data !== "object" || Array.isArray(data)) return null;
    var input = { courses: "", bachelor: "", track: "", start: "", studying: false, masters: [], meets: [] };
    for (var i = 0; i < TEXT.length; i++) {
      var key = TEXT[i];
      if (own(data, key)) {
        if (typeof data[key] !== "string") return null;
        input[key] = data[key];
      }
    }
    if (own(data, "studying")) {
      if (typeof data.studying !== "boolean") return null;
      input.studying = data.studying;
    }
    for (var j = 0; j < LISTS.length; j++) {
      var name = LISTS[j];
      if (own(data, name)) {
        var list = data[name];
        if (!Array.isArray(list)) return null;
        for (var k = 0; k < list.length; k++) { if (typeof list[k] !== "string") return null; }
        input[name] = list.slice();
      }
    }
    return input;
  }
  function tick(name, values) {
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      box.checked = values.indexOf(box.value) >= 0;
    });
  }
  function fromHash() {
    var f = form();
    if (!f) return;
    var input = parse(location.hash);
    if (!input) return;
    f.elements.courses.value = input.courses;
    f.elements.bachelor.value = input.bachelor;
    f.elements.track.value = input.track;
    if (input.start) { f.elements.start.value = input.start; }
    f.elements.studying.checked = input.studying;
    tick("masters", input.masters);
    tick("meets", input.meets);
    if (input.courses.trim() || input.bachelor) {  // the shared answer, without a click
      if (f.requestSubmit) { f.requestSubmit(); } else { f.submit(); }
    }
  }
  function checked(name) {
    return Array.prototype.map.call(
      document.querySelectorAll('input[name="' + name + '"]:checked'), function (box) { return box.value; });
  }
  function share() {
    var f = form();
    var data = {
      courses: f.elements.courses.value, bachelor: f.elements.bachelor.value,
      track: f.elements.track.value, studying: f.elements.studying.checked,
      start: f.elements.start.value, masters: checked("masters"), meets: checked("meets")
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
  function filterMasters() {
    var search = document.getElementById("master-search");
    if (!search) return;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("#master-list li").forEach(function (item) {
      var text = item.getAttribute("data-search") || "";
      item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "master-search") { filterMasters(); }
  });
  document.addEventListener("keydown", function (event) {  // Enter in the search filters only
    if (event.target && event.target.id === "master-search" && event.key === "Enter") {
      event.preventDefault();
    }
  });
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
