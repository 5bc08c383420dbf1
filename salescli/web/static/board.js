// The board's moves. Without this script each card has a one-tap arrow to its next stage (a form
// post) and a Move page for any stage: the board works without JavaScript. With it:
// - a move is sent in the background and the board is redrawn in place: the page stays where it was;
// - "Move…" opens a sheet with the eight stages and "lost";
// - a backward move, a move to lost and a move to the close ask first (the value, or the reason),
//   and a question left unanswered puts the card back where it was;
// - a card is dragged with the mouse or, after a long press, a finger, onto a column, a stage of the
//   strip above the board, or the "lost" zone that shows while dragging;
// - M on a focused card opens its sheet; Undo takes back the last move.
(function () {
  "use strict";
  var body = document.getElementById("board-body");
  var sheet = document.getElementById("move-sheet");
  var form = document.getElementById("move-form");
  if (!body || !sheet || !form) {
    return;
  }
  var ORDER = ["prospect", "prepare", "approach", "needs", "demo", "objections", "close", "service"];
  var PRESS_MS = 350;
  var pending = null; // a card shown in its new place until the move is confirmed, or put back
  var chosen = null; // the card the sheet is about
  var busy = false;

  function rank(stage) {
    return ORDER.indexOf(stage);
  }

  function cardOf(element) {
    return element && element.closest ? element.closest("li.card") : null;
  }

  function nameOf(card) {
    return card.querySelector("a.name").textContent;
  }

  function stageName(stage) {
    var choice = form.querySelector('.choices button[data-stage="' + stage + '"]');
    return choice ? choice.textContent.replace(/^\s*\d\s*/, "").trim() : stage;
  }

  function said(template, card, stage) {
    return template.split("{1}").join(nameOf(card)).split("{2}").join(stageName(stage));
  }

  function needsAnswer(card, stage) {
    var from = card.dataset.stage;
    var open = !card.classList.contains("won");
    return stage === "lost" || stage === "close" || (stage === "service" && open) || rank(stage) < rank(from);
  }

  // ---- moving a card: at once, or after the question -------------------------------------

  function request(card, stage) {
    if (!card || busy || stage === card.dataset.stage) {
      return;
    }
    place(card, stage);
    if (needsAnswer(card, stage)) {
      ask(card, stage);
      return;
    }
    card.classList.add("saving");
    var data = fields();
    data.set("deal", card.dataset.deal);
    data.set("stage", stage);
    send(advanceUrl(card), data);
  }

  function place(card, stage) {
    putBack();
    pending = { card: card, parent: card.parentNode, next: card.nextSibling };
    var column = body.querySelector('section.column[data-stage="' + stage + '"] .cards');
    if (column) {
      column.prepend(card);
    }
  }

  function putBack() {
    if (pending && pending.card.isConnected) {
      pending.parent.insertBefore(pending.card, pending.next);
      pending.card.classList.remove("saving");
    }
    pending = null;
  }

  function fields() {
    var data = new FormData();
    data.set("csrf_token", form.elements.csrf_token.value);
    data.set("back", "board");
    return data;
  }

  function advanceUrl(card) {
    return "/customer/" + encodeURIComponent(card.dataset.customer) + "/advance" + location.search;
  }

  // ---- the sheet --------------------------------------------------------------------------

  function openSheet(card) {
    chosen = card;
    form.querySelector(".choices").hidden = false;
    form.querySelector(".confirm").hidden = true;
    form.querySelectorAll(".choices button").forEach(function (button) {
      button.disabled = button.dataset.stage === card.dataset.stage && !card.classList.contains("won");
    });
    document.getElementById("move-title").textContent = said(sheet.dataset.choose, card, card.dataset.stage);
    show();
    var first = form.querySelector(".choices button:not([disabled])");
    if (first) {
      first.focus();
    }
  }

  function ask(card, stage) {
    chosen = card;
    var closing = stage === "close" || stage === "service";
    var template = stage === "lost" ? sheet.dataset.lost : closing ? sheet.dataset.close
      : rank(stage) < rank(card.dataset.stage) ? sheet.dataset.back : sheet.dataset.forward;
    document.getElementById("move-title").textContent = said(template, card, stage);
    form.elements.deal.value = card.dataset.deal;
    form.elements.stage.value = stage;
    form.elements.value.value = card.dataset.value || "";
    form.elements.reason.value = "";
    form.elements.note.value = "";
    form.querySelector(".choices").hidden = true;
    form.querySelector(".confirm").hidden = false;
    form.querySelector(".for-close").hidden = !closing;
    form.querySelector(".for-lost").hidden = stage !== "lost";
    form.elements.reason.required = stage === "lost";
    show();
    var first = closing ? form.elements.value : stage === "lost" ? form.elements.reason : form.querySelector(".primary");
    first.focus();
    if (closing) {
      first.select();
    }
  }

  function show() {
    if (!sheet.open) {
      sheet.showModal();
    }
  }

  function dismiss() {
    if (sheet.open) {
      sheet.close();
    }
    putBack();
    if (chosen && chosen.isConnected) {
      chosen.querySelector("a.name").focus();
    }
    chosen = null;
  }

  form.querySelector(".choices").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-stage]");
    if (button && chosen) {
      var card = chosen;
      if (!needsAnswer(card, button.dataset.stage)) {
        sheet.close();
      }
      request(card, button.dataset.stage);
    }
  });
  form.querySelector(".cancel").addEventListener("click", dismiss);
  sheet.addEventListener("cancel", function (event) {
    event.preventDefault();
    dismiss();
  });
  sheet.addEventListener("click", function (event) {
    if (event.target === sheet) {
      dismiss(); // a tap beside the sheet
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosen) {
      return;
    }
    var data = new FormData(form);
    chosen.classList.add("saving");
    sheet.close();
    send(advanceUrl(chosen), data);
    chosen = null;
  });

  // ---- sending, and the board redrawn in place --------------------------------------------

  function send(url, data) {
    busy = true;
    var kept = whereWeAre();
    fetch(url, { method: "POST", body: data, headers: { "X-Salescli": "1" }, credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var answer = new DOMParser().parseFromString(html, "text/html");
        if (answer.querySelector(".board")) {
          pending = null;
          body.innerHTML = html;
        } else { // a page of its own (the session ended, say): its message above the board
          putBack();
          var message = answer.querySelector("p.error");
          var where = body.querySelector(".messages");
          if (message && where) {
            where.replaceChildren(document.importNode(message, true));
          }
        }
        backTo(kept);
      })
      .catch(function () {
        putBack();
        location.reload();
      })
      .finally(function () {
        busy = false;
      });
  }

  function whereWeAre() {
    var board = body.querySelector(".board");
    var columns = {};
    body.querySelectorAll("section.column").forEach(function (column) {
      columns[column.dataset.stage] = column.scrollTop;
    });
    var focused = cardOf(document.activeElement) || chosen || (pending && pending.card);
    return { x: window.scrollX, y: window.scrollY, left: board ? board.scrollLeft : 0, columns: columns,
             card: focused ? focused.id : null };
  }

  function backTo(kept) {
    var board = body.querySelector(".board");
    if (board) {
      board.scrollLeft = kept.left;
    }
    body.querySelectorAll("section.column").forEach(function (column) {
      column.scrollTop = kept.columns[column.dataset.stage] || 0;
    });
    window.scrollTo(kept.x, kept.y);
    var card = kept.card && document.getElementById(kept.card);
    var message = body.querySelector(".messages p");
    if (card) {
      card.querySelector("a.name").focus({ preventScroll: true });
    } else if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus({ preventScroll: true });
    }
    markStage();
  }

  // ---- taps and keys ------------------------------------------------------------------------

  body.addEventListener("click", function (event) {
    var target = event.target.closest("a, button");
    if (!target) {
      return;
    }
    var card = cardOf(target);
    if (card && target.classList.contains("move")) {
      event.preventDefault();
      openSheet(card);
    } else if (card && target.classList.contains("next")) {
      event.preventDefault();
      request(card, target.dataset.stage);
    } else if (target.closest("nav.stages")) {
      event.preventDefault();
      toColumn(target.dataset.stage);
    }
  });

  body.addEventListener("submit", function (event) {
    var undo = event.target.closest("form.undo");
    if (undo && !busy) {
      event.preventDefault();
      send(undo.getAttribute("action").split("?")[0] + location.search, new FormData(undo));
    }
  });

  body.addEventListener("keydown", function (event) {
    var card = cardOf(event.target);
    if (card && (event.key === "m" || event.key === "M") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      openSheet(card);
    }
  });

  function toColumn(stage) {
    var board = body.querySelector(".board");
    var column = body.querySelector('section.column[data-stage="' + stage + '"]');
    if (board && column) {
      board.scrollTo({ left: column.offsetLeft - board.offsetLeft, behavior: "smooth" });
    }
  }

  function markStage() {
    var board = body.querySelector(".board");
    var columns = body.querySelectorAll("section.column");
    if (!board || !columns.length) {
      return;
    }
    var width = columns[0].getBoundingClientRect().width || 1;
    var first = Math.round(board.scrollLeft / width);
    body.querySelectorAll("nav.stages a").forEach(function (link, index) {
      link.classList.toggle("current", index === Math.min(first, columns.length - 1));
    });
  }

  body.addEventListener("scroll", function (event) {
    if (event.target.classList && event.target.classList.contains("board")) {
      markStage();
    }
  }, true);
  markStage();

  // ---- dragging: a mouse, or a finger after a long press ------------------------------------

  var dragged = null;

  function dropTarget(element) {
    var target = element && element.closest ? element.closest("section.column, nav.stages a, .lost-zone") : null;
    return target && body.contains(target) ? target : null;
  }

  function dragging(card, on) {
    dragged = on ? card : null;
    card.classList.toggle("dragging", on);
    body.classList.toggle("dragging", on);
    var lost = body.querySelector(".lost-zone");
    if (lost) {
      lost.hidden = !on || card.classList.contains("won");
    }
    if (!on) {
      body.querySelectorAll(".over").forEach(function (element) {
        element.classList.remove("over");
      });
    }
  }

  function hover(target) {
    body.querySelectorAll(".over").forEach(function (element) {
      if (element !== target) {
        element.classList.remove("over");
      }
    });
    if (target) {
      target.classList.add("over");
    }
  }

  function drop(target) {
    var card = dragged;
    dragging(card, false);
    if (target) {
      request(card, target.dataset.stage);
    }
  }

  body.addEventListener("dragstart", function (event) {
    var card = cardOf(event.target);
    if (card && card.draggable) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.customer);
      dragging(card, true);
    }
  });
  body.addEventListener("dragend", function () {
    if (dragged) {
      dragging(dragged, false);
    }
  });
  body.addEventListener("dragover", function (event) {
    var target = dropTarget(event.target);
    if (dragged && target && target.dataset.stage !== dragged.dataset.stage) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      hover(target);
    }
  });
  body.addEventListener("drop", function (event) {
    var target = dropTarget(event.target);
    if (dragged && target) {
      event.preventDefault();
      drop(target);
    }
  });

  var press = null; // a finger on a card: {card, x, y, timer, ghost}

  body.addEventListener("touchstart", function (event) {
    var card = cardOf(event.target);
    if (!card || !card.draggable || event.touches.length > 1 || event.target.closest("button, .act a")) {
      return;
    }
    var touch = event.touches[0];
    press = { card: card, x: touch.clientX, y: touch.clientY, ghost: null };
    press.timer = setTimeout(function () {
      press.ghost = card.cloneNode(true);
      press.ghost.removeAttribute("id");
      press.ghost.classList.add("ghost");
      press.ghost.style.width = card.getBoundingClientRect().width + "px";
      document.body.appendChild(press.ghost);
      follow(press.x, press.y);
      dragging(card, true);
      if (navigator.vibrate) {
        navigator.vibrate(15);
      }
    }, PRESS_MS);
  }, { passive: true });

  body.addEventListener("touchmove", function (event) {
    if (!press) {
      return;
    }
    var touch = event.touches[0];
    if (!press.ghost) {
      if (Math.abs(touch.clientX - press.x) > 10 || Math.abs(touch.clientY - press.y) > 10) {
        clearTimeout(press.timer); // a scroll, not a drag
        press = null;
      }
      return;
    }
    event.preventDefault();
    follow(touch.clientX, touch.clientY);
    var target = dropTarget(document.elementFromPoint(touch.clientX, touch.clientY));
    hover(target && target.dataset.stage !== press.card.dataset.stage ? target : null);
  }, { passive: false });

  function endPress(event) {
    if (!press) {
      return;
    }
    clearTimeout(press.timer);
    var ghost = press.ghost;
    press = null;
    if (!ghost) {
      return;
    }
    event.preventDefault(); // (no click on the card after a drag)
    ghost.remove();
    var touch = event.changedTouches[0];
    var target = event.type === "touchend" ? dropTarget(document.elementFromPoint(touch.clientX, touch.clientY)) : null;
    drop(target && target.dataset.stage !== dragged.dataset.stage ? target : null);
  }

  body.addEventListener("touchend", endPress);
  body.addEventListener("touchcancel", endPress);
  body.addEventListener("contextmenu", function (event) {
    if (press || dragged) {
      event.preventDefault(); // a long press drags; it opens no menu
    }
  });

  function follow(x, y) {
    if (press && press.ghost) {
      press.ghost.style.transform = "translate(" + (x - 30) + "px," + (y - 20) + "px)";
    }
  }
})();
