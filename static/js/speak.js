/*
 * Answering by voice in the runner: record from the microphone under the
 * server's clock, show that it is listening (level meter, elapsed time), and
 * upload the recording as the answer. The recording is the answer, so it goes
 * through the same form as a typed one (CSRF token, ran_out flag, any text).
 *
 * Speaking needs a microphone and a secure context (HTTPS or localhost). When
 * either is missing, or the candidate refuses the microphone, the page says so
 * and the typed answer box is there instead: the clock and the question stay.
 *
 * runner.js calls window.prepsiteSpeak.setUp(runner) after each swap and
 * window.prepsiteSpeak.finish(form) when the clock reaches 0 (it returns true
 * when a recording was running and is now being sent).
 */
(function () {
  "use strict";

  var active = null; // the recording in progress: {recorder, stream, form, ...}

  function supported() {
    return window.isSecureContext && navigator.mediaDevices &&
      typeof navigator.mediaDevices.getUserMedia === "function" && typeof window.MediaRecorder === "function";
  }

  function preferredType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return "";
  }

  function extensionFor(type) {
    if (type.indexOf("ogg") !== -1) return "ogg";
    if (type.indexOf("mp4") !== -1) return "m4a";
    return "webm";
  }

  function show(el, visible) {
    if (el) el.hidden = !visible;
  }

  function typeInstead(box, message) {
    var typed = box.closest("form").querySelector("[data-typed]");
    show(typed, true);
    show(box.querySelector("[data-type-instead]"), false);
    if (message) box.querySelector("[data-speak-status]").textContent = message;
    var text = typed.querySelector("textarea");
    if (text) text.focus();
  }

  function formatElapsed(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function meter(stream, el) {
    // A live level from the microphone, so the candidate sees it is listening.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !el) return function () {};
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    var frame = null;
    function draw() {
      analyser.getByteTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i++) {
        var v = (samples[i] - 128) / 128;
        sum += v * v;
      }
      el.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      frame = window.requestAnimationFrame(draw);
    }
    draw();
    return function () {
      if (frame) window.cancelAnimationFrame(frame);
      context.close();
    };
  }

  function upload(form, blob, type, ranOut) {
    var data = new FormData(form);
    data.set("recording", blob, "answer." + extensionFor(type));
    data.set("recording_type", type);
    if (ranOut) data.set("ran_out", "1");
    var status = form.querySelector("[data-speak-status]");
    if (status) status.textContent = "Sending your recording…";
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
    }).then(function (response) {
      var url = response.headers.get("HX-Replace-Url");
      var redirect = response.headers.get("HX-Redirect");
      return response.text().then(function (html) {
        if (redirect) {
          window.location.assign(redirect);
          return;
        }
        if (url) window.history.replaceState(null, "", url);
        window.htmx.swap("#runner", html, { swapStyle: "outerHTML" });
      });
    }).catch(function () {
      if (status) status.textContent = "The recording could not be sent (no connection). Type your answer instead, or reload to try again.";
      form.dataset.submitted = "";
    });
  }

  function stop(ranOut) {
    if (!active) return false;
    var rec = active;
    active = null;
    rec.ranOut = ranOut;
    window.clearInterval(rec.ticker);
    rec.stopMeter();
    if (rec.recorder.state !== "inactive") rec.recorder.stop();
    rec.stream.getTracks().forEach(function (track) { track.stop(); });
    return true;
  }

  function start(box) {
    var form = box.closest("form");
    var status = box.querySelector("[data-speak-status]");
    var startButton = box.querySelector("[data-speak-start]");
    var stopButton = box.querySelector("[data-speak-stop]");
    var elapsed = box.querySelector("[data-speak-elapsed]");
    var level = box.querySelector("[data-speak-level]");
    startButton.disabled = true;
    status.textContent = "Asking for the microphone…";
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = preferredType();
      var recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      var chunks = [];
      var began = performance.now();
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) chunks.push(event.data);
      });
      var rec = {
        recorder: recorder,
        stream: stream,
        ranOut: false,
        stopMeter: meter(stream, level),
        ticker: window.setInterval(function () {
          elapsed.textContent = formatElapsed(performance.now() - began);
        }, 250),
      };
      recorder.addEventListener("stop", function () {
        var blobType = recorder.mimeType || type || "audio/webm";
        form.dataset.submitted = "1";
        upload(form, new Blob(chunks, { type: blobType }), blobType, rec.ranOut);
      });
      active = rec;
      recorder.start(1000);
      show(startButton, false);
      show(stopButton, true);
      show(elapsed, true);
      show(level, true);
      status.textContent = "Listening. Press Done speaking when you have finished.";
      stopButton.focus();
    }).catch(function (error) {
      var why = error && error.name === "NotAllowedError"
        ? "The browser did not allow the microphone."
        : "No microphone could be used.";
      startButton.disabled = false;
      show(startButton, false);
      typeInstead(box, why + " Type your answer instead; the clock keeps running.");
    });
  }

  function setUp(runner) {
    var box = runner.querySelector("[data-speak]");
    if (!box) return;
    var typed = box.closest("form").querySelector("[data-typed]");
    var typeButton = box.querySelector("[data-type-instead]");
    if (!supported()) {
      typeInstead(box, "Speaking needs a microphone and a secure connection (HTTPS, or localhost). Type your answer instead.");
      return;
    }
    var text = typed.querySelector("textarea");
    if (text && text.value) return; // a draft or a refused upload came back: keep the box open
    show(typed, false);
    show(typeButton, true);
    var startButton = box.querySelector("[data-speak-start]");
    show(startButton, true);
    startButton.focus();
    startButton.addEventListener("click", function () { start(box); });
    box.querySelector("[data-speak-stop]").addEventListener("click", function () { stop(false); });
    typeButton.addEventListener("click", function () { typeInstead(box, ""); });
  }

  window.prepsiteSpeak = {
    setUp: setUp,
    finish: function (ranOut) { return stop(ranOut); },
    recording: function () { return active !== null; },
  };
})();
