// Wegwijs web chat: a small socket.io (Engine.IO v4) client over a WebSocket,
// with no library, so the page stays light and needs nothing from a CDN.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wegwijs-config").getAttribute("data-config"));
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var SESSION_KEY = "wegwijs-session";
  var socket = null, connected = false, queue = [], retry = 0;

  function socketUrl() {
    if (config.socketUrl) return config.socketUrl.replace(/^http/, "ws");
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.hostname + ":" + config.socketPort;
  }

  function show(text, who) {
    var p = document.createElement("p");
    p.className = "msg " + who;
    p.textContent = text;
    log.appendChild(p);
    p.scrollIntoView({block: "end"});
  }

  function showChoices(buttons) {
    choices.textContent = "";
    (buttons || []).forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { say(b.payload, b.title); });
      choices.appendChild(button);
    });
  }

  function emit(name, data) {
    var packet = "42" + JSON.stringify([name, data]);
    if (connected) socket.send(packet); else queue.push(packet);
  }

  function say(payload, shown) {
    if (!payload || !payload.trim()) return;
    show(shown || payload, "me");
    showChoices([]);
    statusLine.textContent = "…";
    emit("user_uttered", {message: payload, session_id: sessionStorage.getItem(SESSION_KEY)});
  }

  function onEvent(name, data) {
    if (name === "session_confirm") {
      sessionStorage.setItem(SESSION_KEY, data);
      connected = true;
      statusLine.textContent = "";
      while (queue.length) socket.send(queue.shift());
    } else if (name === "bot_uttered") {
      statusLine.textContent = "";
      if (data.text) show(data.text, "bot");
      showChoices((data.quick_replies || data.buttons || []).map(function (q) {
        return {title: q.title, payload: q.payload};
      }));
    }
  }

  function connect() {
    socket = new WebSocket(socketUrl() + "/socket.io/?EIO=4&transport=websocket");
    socket.onmessage = function (event) {
      var packet = String(event.data);
      if (packet[0] === "0") socket.send("40");                 // open -> join namespace
      else if (packet === "2") socket.send("3");                // ping -> pong
      else if (packet.indexOf("40") === 0) {                     // joined
        retry = 0;
        socket.send("42" + JSON.stringify(["session_request", {session_id: sessionStorage.getItem(SESSION_KEY)}]));
      } else if (packet.indexOf("42") === 0) {
        var body = JSON.parse(packet.slice(2));
        onEvent(body[0], body[1]);
      }
    };
    socket.onclose = function () {
      connected = false;
      statusLine.textContent = "Verbinding verbroken, opnieuw verbinden… / Reconnecting…";
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, retry));
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say(input.value);
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.querySelectorAll("[data-say]").forEach(function (button) {
    button.addEventListener("click", function () { say(button.getAttribute("data-say")); });
  });
  connect();
})();
