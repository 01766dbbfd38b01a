// Wegwijs web chat. Talks to Rasa's socket.io channel through the vendored
// socket.io client (socket.io.min.js). Every text the assistant sends is put
// on the page as text nodes and links built here, never as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wegwijs-config").getAttribute("data-config"));
  var texts = config.texts;
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var statusLine = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var KEYS = {session: "wegwijs-session", transcript: "wegwijs-transcript", lang: "wegwijs-lang"};
  var KEPT_MESSAGES = 200;     // what a reload shows again
  var QUIET_MS = 1500;         // the assistant's turn is over when nothing came for this long
  var SLOW_MS = 20000;
  var URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

  var store = tabStorage();
  var lang = texts[store.get(KEYS.lang)] ? store.get(KEYS.lang) : config.lang;
  var sessionId = store.get(KEYS.session);
  var transcript = readTranscript();
  var keep = true;             // false after "stop": nothing of that conversation is stored again
  var ready = false;           // connected and in the conversation's room
  var outbox = [];
  var statusKey = "";
  var turnStart = null, quietTimer = null, slowTimer = null;

  // The tab remembers the conversation across a reload; closing the tab
  // forgets it (think of a shared computer in a library). Storage can be
  // blocked in an embedded frame: then the page still works, without resume.
  function tabStorage() {
    var memory = {}, backend = null;
    try {
      backend = window.sessionStorage;
      backend.setItem("wegwijs-probe", "1");
      backend.removeItem("wegwijs-probe");
    } catch (error) {
      backend = null;
    }
    return {
      get: function (key) { return backend ? backend.getItem(key) : (memory[key] || null); },
      set: function (key, value) {
        try { if (backend) backend.setItem(key, value); else memory[key] = value; } catch (error) { /* full */ }
      },
      remove: function (key) { if (backend) backend.removeItem(key); delete memory[key]; }
    };
  }

  function readTranscript() {
    try {
      var kept = JSON.parse(store.get(KEYS.transcript) || "null");
      if (kept && kept.messages instanceof Array && kept.choices instanceof Array) return kept;
    } catch (error) { /* start afresh */ }
    return {messages: [], choices: []};
  }

  function saveTranscript() {
    if (!keep) return;
    transcript.messages = transcript.messages.slice(-KEPT_MESSAGES);
    store.set(KEYS.transcript, JSON.stringify(transcript));
  }

  function t(key) { return texts[lang][key]; }

  function applyLanguage(code) {
    lang = code;
    document.documentElement.lang = code;
    forEach("[data-text]", function (element) { element.textContent = t(element.getAttribute("data-text")); });
    forEach("[data-label]", function (element) { element.setAttribute("aria-label", t(element.getAttribute("data-label"))); });
    forEach("[data-href]", function (element) { element.setAttribute("href", t(element.getAttribute("data-href"))); });
    forEach("button.lang", function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === code));
    });
    setStatus(statusKey);
  }

  function forEach(selector, action) { Array.prototype.forEach.call(document.querySelectorAll(selector), action); }

  function setStatus(key) {
    statusKey = key;
    statusLine.textContent = key ? t(key) : "";
    statusLine.className = "status" + (key === "typing" || key === "slow" ? " typing" : "");
  }

  // -- messages ---------------------------------------------------------------
  function addMessage(who, text) {
    var item = document.createElement("p");
    var speaker = document.createElement("span");
    item.className = "msg " + who;
    speaker.className = "visually-hidden";
    speaker.setAttribute("data-text", who === "me" ? "you" : "bot");
    speaker.textContent = t(who === "me" ? "you" : "bot");
    item.appendChild(speaker);
    item.appendChild(document.createTextNode(" "));
    appendWithLinks(item, text);
    log.appendChild(item);
    return item;
  }

  function appendWithLinks(parent, text) {
    var last = 0, match;
    URL_IN_TEXT.lastIndex = 0;
    while ((match = URL_IN_TEXT.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)]+$/, "");  // the sentence's full stop is not part of the link
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(link(url));
      last = match.index + url.length;
      URL_IN_TEXT.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function link(url) {
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = url;
    if (/\.ics$/i.test(anchor.pathname)) {
      anchor.setAttribute("download", "");  // the calendar file of a booking: save it, stay in the chat
    } else {
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.setAttribute("data-text", "new_window");
      hint.textContent = " " + t("new_window");
      anchor.appendChild(hint);
    }
    return anchor;
  }

  function showChoices(buttons) {
    choices.textContent = "";
    buttons.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.addEventListener("click", function (event) {
        say(choice.payload, choice.title);
        // Chosen with the keyboard (a click without a mouse): go on where one types.
        if (event.detail === 0) input.focus();
      });
      choices.appendChild(button);
    });
    choices.hidden = buttons.length === 0;
  }

  // Shows the first message of the assistant's answer at the top if the
  // whole answer does not fit. Only this page scrolls, never the municipality's
  // page around an embedded chat.
  function reveal() {
    var bottom = document.documentElement.scrollHeight - window.innerHeight;
    var top = turnStart ? turnStart.getBoundingClientRect().top + window.pageYOffset - 8 : bottom;
    window.scrollTo(0, Math.max(0, Math.min(bottom, top)));
  }

  function typing(on) {
    clearTimeout(quietTimer);
    clearTimeout(slowTimer);
    if (on) {
      setStatus("typing");
      slowTimer = setTimeout(function () { setStatus("slow"); }, SLOW_MS);
    } else if (statusKey === "typing" || statusKey === "slow") {
      setStatus("");
    }
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") return;
    var buttons = (data.quick_replies || data.buttons || []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }).map(function (b) { return {title: b.title, payload: b.payload}; });
    if (typeof data.text === "string" && data.text) {
      var item = addMessage("bot", data.text);
      turnStart = turnStart || item;
      if (keep) transcript.messages.push({who: "bot", text: data.text});
    }
    if (buttons.length) {
      showChoices(buttons);
      if (keep) transcript.choices = buttons;
      typing(false);
    } else {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(function () { typing(false); }, QUIET_MS);
    }
    saveTranscript();
    reveal();
  }

  // -- talking ------------------------------------------------------------------
  function say(payload, shown) {
    var text = (payload || "").trim();
    if (!text) return;
    if (!keep) {
      keep = true;
      setStatus("");
    }
    if (!sessionId && ready) {
      // After "stop": a new connection, so nothing of the old conversation reaches this page.
      ready = false;
      socket.disconnect().connect();
    }
    addMessage("me", shown || text);
    transcript.messages.push({who: "me", text: shown || text});
    transcript.choices = [];
    showChoices([]);
    saveTranscript();
    turnStart = null;
    typing(true);
    outbox.push(text);
    flush();
    reveal();
  }

  function flush() {
    while (ready && outbox.length) {
      socket.emit("user_uttered", {message: outbox.shift(), session_id: sessionId});
    }
  }

  function stop() {
    if (sessionId && keep) {
      outbox.push("stop");
      flush();
    }
    store.remove(KEYS.session);
    store.remove(KEYS.transcript);
    sessionId = null;
    keep = false;
    outbox = [];
    transcript = {messages: [], choices: []};
    log.textContent = "";
    showChoices([]);
    typing(false);
    turnStart = null;
    setStatus("stopped");
  }

  function socketUrl() {
    if (config.socketUrl) return config.socketUrl;
    return location.protocol + "//" + location.hostname + ":" + config.socketPort;
  }

  // WebSocket first: no sticky sessions needed behind a load balancer;
  // long-polling only where a network blocks WebSockets.
  var socket = window.io(socketUrl(), {transports: ["websocket", "polling"], tryAllTransports: true});
  socket.on("connect", function () {
    ready = false;
    socket.emit("session_request", {session_id: sessionId});
  });
  socket.on("session_confirm", function (id) {
    if (typeof id !== "string") return;
    if (id !== sessionId) {
      sessionId = id;
      if (keep) store.set(KEYS.session, id);
    }
    ready = true;
    if (statusKey === "offline") setStatus(outbox.length ? "typing" : "");
    flush();
  });
  socket.on("bot_uttered", onBotMessage);
  socket.on("disconnect", function (reason) {
    ready = false;
    setStatus("offline");
    if (reason === "io server disconnect") socket.connect();  // the client only retries by itself otherwise
  });
  socket.on("connect_error", function () { setStatus("offline"); });
  window.addEventListener("online", function () { if (!socket.connected) socket.connect(); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say(input.value);
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      say(input.value);
      input.value = "";
    }
  });
  forEach("button.lang", function (button) {
    button.addEventListener("click", function () {
      store.set(KEYS.lang, button.getAttribute("data-lang"));
      applyLanguage(button.getAttribute("data-lang"));
      say(button.getAttribute("data-say"));
    });
  });
  document.getElementById("stop").addEventListener("click", stop);

  applyLanguage(lang);
  transcript.messages.forEach(function (message) { addMessage(message.who, message.text); });
  showChoices(transcript.choices);
  if (transcript.messages.length) window.scrollTo(0, document.documentElement.scrollHeight);
})();
