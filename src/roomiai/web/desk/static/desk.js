// RoomiAI front desk: live calls over server-sent events. Caller text is only ever set as textContent.
"use strict";

function line(data) {
  const li = document.createElement("li");
  li.dataset.testid = "transcript-line";
  li.setAttribute("data-testid", "transcript-line");
  li.dataset.speaker = data.speaker;
  li.className = data.speaker;
  const who = document.createElement("span");
  who.className = "speaker";
  who.textContent = data.speaker === "agent" ? "Roomi" : "Caller";
  const at = document.createElement("time");
  at.textContent = data.at;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = data.text;
  li.append(who, " ", at, " ", text);
  return li;
}

function followCall(list) {
  const source = new EventSource(list.dataset.live);
  source.addEventListener("line", (event) => list.append(line(JSON.parse(event.data))));
  source.addEventListener("ended", () => {
    source.close();
    const state = document.getElementById("live-state");
    if (state) state.textContent = "The call has ended. Reload for its outcome.";
  });
}

function followLiveCalls(section) {
  const list = section.querySelector("#live-calls");
  const source = new EventSource(section.dataset.liveCalls);
  source.addEventListener("calls", (event) => {
    const calls = JSON.parse(event.data);
    list.replaceChildren();
    if (!calls.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No call right now.";
      list.append(li);
    }
    for (const call of calls) {
      const li = document.createElement("li");
      li.setAttribute("data-testid", "live-call");
      const a = document.createElement("a");
      a.href = "/desk/calls/" + encodeURIComponent(call.session_id);
      a.textContent = call.started + " · " + call.caller;
      const pill = document.createElement("span");
      pill.className = "pill live";
      pill.textContent = "live";
      li.append(a, " ", pill);
      list.append(li);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const transcript = document.querySelector("ol.transcript[data-live]");
  if (transcript) followCall(transcript);
  const live = document.querySelector("[data-live-calls]");
  if (live) followLiveCalls(live);
});
