// The board's drag and drop: dropping a card on another stage fills the card's own Move form
// (the one that works without JavaScript) and sends it. Closing (促成) first asks for the value
// won, filled in with the target: the rep confirms it with the Move button.
(function () {
  "use strict";
  var dragged = null;

  function columnOf(element) {
    return element.closest(".column");
  }

  document.querySelectorAll(".card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.customer);
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      document.querySelectorAll(".column.over").forEach(function (column) {
        column.classList.remove("over");
      });
    });
  });

  document.querySelectorAll(".column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged && columnOf(dragged) !== column) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("over");
      }
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) {
        column.classList.remove("over");
      }
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("over");
      if (dragged && columnOf(dragged) !== column) {
        move(dragged, column);
      }
      dragged = null;
    });
  });

  function move(card, column) {
    var form = card.querySelector("form.move");
    var stage = column.dataset.stage;
    form.elements.stage.value = stage;
    column.querySelector(".cards").prepend(card);
    if (stage === "close") {
      card.querySelector("details").open = true;
      form.elements.value.focus();
      form.elements.value.select();
      return;
    }
    card.classList.add("saving");
    form.requestSubmit();
  }
})();
