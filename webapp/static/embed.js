// Puts the Wegwijs chat on a municipality's page, where this script tag stands:
//   <script src="https://WEGWIJS-ADDRESS/embed.js" async></script>
// Optional attributes: data-lang="fr" (the page's first language),
// data-height="40rem", data-target="some-id" (put the chat in that element).
// The chat runs in a frame from the Wegwijs address itself: the municipality's
// page sees nothing of the conversation.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var lang = script.getAttribute("data-lang");
  var titles = {nl: "Wegwijs: chat met het Sociaal Huis", fr: "Wegwijs : chat avec le Sociaal Huis", en: "Wegwijs: chat with the Sociaal Huis"};
  var frame = document.createElement("iframe");
  frame.src = origin + "/" + (lang ? "?lang=" + encodeURIComponent(lang) : "");
  frame.title = titles[lang] || titles.nl;
  frame.style.width = "100%";
  frame.style.maxWidth = "44rem";
  frame.style.height = script.getAttribute("data-height") || "40rem";
  frame.style.border = "1px solid #6b6b6b";
  frame.style.borderRadius = "0.5rem";
  var target = script.getAttribute("data-target") && document.getElementById(script.getAttribute("data-target"));
  if (target) target.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);
})();
