/*
 * The interview runner's behaviour: countdown, auto-submit at zero, keyboard
 * shortcuts, the suggested self-score, focus after htmx swaps, and the draft
 * of a typed answer kept in this browser until the server has stored it.
 *
 * The server owns the clock: it renders how many milliseconds are really left
 * (data-remaining-ms), and we count down from that against the browser's
 * monotonic clock, so reloading or a second tab never restarts the time and a
 * wrong wall clock on the candidate's machine does not matter.
 *
 * Everything here is an enhancement: with JavaScript off the same forms post
 * as plain pages and the server still marks late answers as overtime.
 */
(function () {
  "use strict";

  var stopTimer = null;

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    if (tag !== "input") return false;
    var type = (target.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }

  function submitForm(form) {
    // A curator's preview shows the runner but never submits anything.
    if (form.dataset.submitted || form.closest("[data-preview]")) return;
    form.dataset.submitted = "1";
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function startTimer(root) {
    var timer = root.querySelector("[data-remaining-ms]");
    if (stopTimer) stopTimer();
    stopTimer = null;
    if (!timer) return;
    var form = timer.closest("form");
    var secondsEl = timer.querySelector("[data-timer-seconds]");
    var fill = root.querySelector("[data-timer-fill]");
    var announce = root.querySelector("[data-timer-announce]");
    var total = parseInt(timer.dataset.totalSeconds, 10) * 1000;
    var remaining = parseInt(timer.dataset.remainingMs, 10);
    if (remaining <= 0) {
      // Came back after the deadline: nothing to count; the page says the answer will be overtime.
      if (fill) fill.style.width = "0%";
      return;
    }
    var end = performance.now() + remaining;
    var lastShown = null;
    var warned = false;

    function tick() {
      var left = Math.max(0, end - performance.now());
      var seconds = Math.ceil(left / 1000);
      if (seconds !== lastShown) {
        secondsEl.textContent = String(seconds);
        lastShown = seconds;
        if (seconds <= 10) timer.classList.add("timer-low");
      }
      if (fill) fill.style.width = (100 * left / total).toFixed(2) + "%";
      if (!warned && seconds <= 10 && seconds > 0) {
        warned = true;
        announce.textContent = "10 seconds left.";
      }
      if (left <= 0) {
        stop();
        timer.classList.add("timer-expired");
        announce.textContent = "Time is up. Submitting your answer.";
        var ranOut = form.querySelector("[data-ran-out]");
        if (ranOut) ranOut.value = "1";
        // A recording in progress stops and uploads itself; otherwise the typed answer goes.
        if (window.prepsiteSpeak && window.prepsiteSpeak.finish(true)) return;
        submitForm(form);
      }
    }
    var handle = window.setInterval(tick, 200);
    function stop() {
      window.clearInterval(handle);
    }
    stopTimer = stop;
    tick();
  }

  function updateSuggestion(root) {
    var set = root.querySelector("[data-key-points]");
    if (!set) return;
    var boxes = set.querySelectorAll("input[type=checkbox]");
    var out = set.querySelector("[data-suggestion]");
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) ticked += 1; });
    if (!boxes.length || !ticked) {
      out.textContent = "";
      return;
    }
    // The server decides what each count suggests (services.suggested_score); we only show it,
    // named as the matching radio's label ("4 Solid").
    var score = set.dataset.suggestions.split(",")[ticked];
    var label = document.querySelector("label[for='score-" + score + "']");
    out.textContent = "You covered " + ticked + " of " + boxes.length +
      ": that suggests " + (label ? label.textContent : score) + ". You decide.";
  }

  // --- the draft: what was typed stays in localStorage until the reveal shows it was stored ---

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: the server-side safety net still holds
    }
  }

  function keepDraft(runner) {
    var key = runner.dataset.draftKey;
    var store = storage();
    if (!key || !store) return;
    if (runner.dataset.stage === "reveal") {
      // The server shows this answer back: it is stored, so the browser copy can go.
      store.removeItem(key);
      return;
    }
    var box = runner.querySelector("#answer-text");
    if (!box) return;
    var saved = store.getItem(key);
    if (saved && !box.value) {
      box.value = saved;
      var status = runner.querySelector("[data-draft-status]");
      if (status) status.textContent = "We put back the answer you had typed here before; it was not sent yet.";
    }
    box.addEventListener("input", function () {
      if (box.value) {
        store.setItem(key, box.value);
      } else {
        store.removeItem(key);
      }
    });
  }

  function setUp(root) {
    var runner = root.id === "runner" ? root : root.querySelector("#runner");
    if (!runner) return;
    // Sentences that promise what only this script does (shortcuts, sending at 0) start hidden.
    runner.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });
    keepDraft(runner);
    if (window.prepsiteSpeak) window.prepsiteSpeak.setUp(runner);
    startTimer(runner);
    updateSuggestion(runner);
    if (runner.dataset.title) document.title = runner.dataset.title;
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("[data-key-points]")) {
      updateSuggestion(document);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl/Cmd+Enter finishes a spoken answer, as it submits a typed one from the text box.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && window.prepsiteSpeak &&
        window.prepsiteSpeak.recording()) {
      event.preventDefault();
      window.prepsiteSpeak.finish(false);
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.id === "answer-text") {
      event.preventDefault();
      submitForm(target.form);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(target)) return;
    var scoreForm = document.getElementById("score-form");
    if (!scoreForm) return;
    if (/^[1-5]$/.test(event.key)) {
      var radio = document.getElementById("score-" + event.key);
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
      }
    } else if (event.key === "n" || event.key === "N") {
      var next = scoreForm.querySelector("[data-next]");
      if (next) {
        event.preventDefault();
        next.click();
      }
    }
  });

  // After htmx swaps in the next step, move focus to its heading so screen
  // readers and keyboard users start from the new question.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var runner = document.getElementById("runner");
    if (!runner) return;
    var heading = runner.querySelector("#question-heading");
    var textbox = runner.querySelector("#answer-text");
    var timer = runner.querySelector("[data-remaining-ms]");
    if (textbox && timer && parseInt(timer.dataset.remainingMs, 10) > 0) {
      textbox.focus();
    } else if (heading) {
      heading.focus();
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
