// The web chat page: the conversation so far, then send text, button presses, photos and voice; long-poll replies. No build step, no libraries.
"use strict";
(function () {
  var messages = document.getElementById("messages");
  var input = document.getElementById("input");
  var send = document.getElementById("send");
  var photo = document.getElementById("photo");
  var statusLine = document.getElementById("status");
  var after = 0;

  function newId() {
    if (window.crypto && crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function scrollDown() { messages.scrollTop = messages.scrollHeight; }

  // Ticket numbers (BX-20261123-0001) never break across lines; everything else is plain text nodes.
  var TICKET_NUMBER = /[A-Z]{2,4}-\d{8}-\d{3,6}/g;

  function appendText(box, text) {
    var last = 0;
    text.replace(TICKET_NUMBER, function (number, at) {
      box.appendChild(document.createTextNode(text.slice(last, at)));
      var span = document.createElement("span");
      span.className = "nowrap";
      span.textContent = number;
      box.appendChild(span);
      last = at + number.length;
      return number;
    });
    box.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(cls, text) {
    var row = document.createElement("div");
    row.className = "msg " + cls;
    var box = document.createElement("div");
    box.className = "bubble";
    appendText(box, text);  // white-space: pre-wrap keeps the line breaks; never innerHTML
    row.appendChild(box);
    return row;
  }

  function showError(text) { messages.appendChild(bubble("error", text)); scrollDown(); }

  // A thumbnail of a photo served by /webchat/photos/<id>; a tap opens it whole.
  function thumbnail(url) {
    var link = document.createElement("a");
    link.className = "photo";
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener";
    var image = document.createElement("img");
    image.src = url;
    image.alt = "照片";
    image.addEventListener("load", scrollDown);
    link.appendChild(image);
    return link;
  }

  function render(reply) {
    var row = bubble("bot", reply.text);
    row.dataset.id = String(reply.id);
    (reply.photos || []).forEach(function (url) { row.firstChild.appendChild(thumbnail(url)); });
    if (reply.buttons && reply.buttons.length) {
      var block = document.createElement("div");
      block.className = "buttons" + (reply.large ? " large" : "");
      reply.buttons.forEach(function (buttonRow) {
        var line = document.createElement("div");
        line.className = "row";
        buttonRow.forEach(function (b) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = b.label;
          button.dataset.payload = b.payload;
          button.addEventListener("click", function () {
            block.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
            messages.appendChild(bubble("me", b.label));
            scrollDown();
            post("/webchat/messages", JSON.stringify({ id: newId(), payload: b.payload, ref: String(reply.id) }),
                 "application/json");
          });
          line.appendChild(button);
        });
        block.appendChild(line);
      });
      row.firstChild.appendChild(block);
    }
    var old = reply.edit_ref && messages.querySelector('[data-id="' + String(reply.edit_ref).replace(/\D/g, "") + '"]');
    if (old) { messages.replaceChild(row, old); } else { messages.appendChild(row); }
  }

  // A voice note the resident sent: its transcript (when one was heard) and a player.
  function voiceNote(row, entry) {
    var box = row.firstChild;
    box.textContent = "";
    appendText(box, entry.text ? "🎤 " + entry.text : "🎤 语音");
    if (entry.voice) {
      var audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.src = entry.voice;
      box.appendChild(audio);
    }
  }

  // One of the resident's own earlier messages, from the stored transcript.
  function renderMine(entry) {
    var row = bubble("me", entry.photo ? "" : entry.text || "");
    if (entry.photo) { row.firstChild.appendChild(thumbnail(entry.photo)); }
    if ("voice" in entry) { voiceNote(row, entry); }
    messages.appendChild(row);
  }

  // After a reload: the whole conversation so far, both sides in order; then long-poll for new replies.
  function history() {
    fetch("/webchat/history", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        (data.messages || []).forEach(function (entry) {
          if (entry.who === "me") { renderMine(entry); } else { render(entry); }
        });
        after = data.last || 0;
        scrollDown();
        poll();
      }, function () { poll(); });
  }

  function post(url, body, type, attempt) {
    attempt = attempt || 0;
    var options = { method: "POST", body: body, credentials: "same-origin" };
    if (type) { options.headers = { "Content-Type": type }; }
    return fetch(url, options).then(function (response) {
      if (response.status >= 400) {
        return response.json().then(function (data) { showError(data.error || "发送失败，请稍后再试。"); },
                                    function () { showError("发送失败，请稍后再试。"); });
      }
      return response.json().catch(function () { return null; });
    }, function () {
      if (attempt < 3) {  // the same message id again: the server handles it once
        return new Promise(function (r) { setTimeout(r, 1000 * (attempt + 1)); })
          .then(function () { return post(url, body, type, attempt + 1); });
      }
      showError("网络不通，消息没有发出去，请稍后再试。");
    });
  }

  function poll() {
    fetch("/webchat/messages?after=" + after, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        statusLine.textContent = "";
        (data.messages || []).forEach(render);
        if (data.messages && data.messages.length) { scrollDown(); }
        after = data.last || after;
        setTimeout(poll, 0);
      }, function () {
        statusLine.textContent = "正在重新连接…";
        setTimeout(poll, 3000);
      });
  }

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    messages.appendChild(bubble("me", text));
    scrollDown();
    send.disabled = true;
    post("/webchat/messages", JSON.stringify({ id: newId(), text: text }), "application/json")
      .then(function () { send.disabled = false; input.focus(); });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    photo.value = "";
    if (!file) { return; }
    if (file.size > 10 * 1024 * 1024) { showError("照片太大了（超过10MB），请换一张小一点的照片或压缩后再发。"); return; }
    var row = bubble("me photo-upload", "正在发送照片…");
    messages.appendChild(row);
    scrollDown();
    var form = new FormData();
    form.append("photo", file, file.name);
    post("/webchat/photos?id=" + newId(), form, null).then(function (data) {
      var box = row.firstChild;
      if (data && data.photo && data.photo.url) {
        box.textContent = "";
        box.appendChild(thumbnail(data.photo.url));
      } else {
        box.textContent = "照片：" + file.name;
      }
    });
  });

  // Voice notes: hold the microphone button to record (MediaRecorder: WebM/Opus or OGG/Opus), release to send.
  var record = document.getElementById("record");
  var recorder = null;
  var chunks = [];
  if (window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    record.hidden = false;
    var start = function (event) {
      event.preventDefault();
      if (recorder) { return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { if (e.data.size) { chunks.push(e.data); } });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          recorder = null;
          record.classList.remove("recording");
          if (!blob.size) { return; }
          if (blob.size > 5 * 1024 * 1024) { showError("这段录音太大了，请说短一点再发。"); return; }
          var row = bubble("me", "🎤 语音（正在识别…）");
          messages.appendChild(row);
          scrollDown();
          var form = new FormData();
          form.append("voice", blob, "voice");
          post("/webchat/voice?id=" + newId(), form, null).then(function (data) {
            var voice = data && data.voice;
            voiceNote(row, { text: voice ? voice.text : "", voice: voice ? voice.url : null });
          });
        });
        recorder.start();
        record.classList.add("recording");
      }, function () { showError("无法使用麦克风，请打字告诉我。"); });
    };
    var stop = function () { if (recorder && recorder.state === "recording") { recorder.stop(); } };
    record.addEventListener("pointerdown", start);
    record.addEventListener("pointerup", stop);
    record.addEventListener("pointerleave", stop);
  }

  history();
})();
