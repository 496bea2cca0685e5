// Progressive enhancement for the measure editor: show only the goals of the chosen field.
// Without JavaScript every field's goals stay visible and the server keeps the chosen field's.
(function () {
  "use strict";
  var select = document.getElementById("ed-field");
  if (!select) {
    return;
  }
  function showGoals() {
    var groups = document.querySelectorAll(".goal-group");
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-field") !== select.value;
    }
  }
  select.addEventListener("change", showGoals);
  showGoals();
})();
