// The call page: microphone → WebSocket → Roomi; her voice and both sides of the transcript come back.
"use strict";

const LINE_RATE = 16000;
const ui = {
  call: document.getElementById("call"),
  hangup: document.getElementById("hangup"),
  status: document.getElementById("status"),
  alert: document.getElementById("alert"),
  transcript: document.getElementById("transcript"),
};
let call = null;

function setStatus(text) { ui.status.textContent = text; }

function showAlert(text) {
  ui.alert.textContent = text;
  ui.alert.hidden = !text;
}

function addLine(speaker, text) {
  const item = document.createElement("li");
  item.className = speaker;
  item.dataset.speaker = speaker;
  const who = document.createElement("strong");
  who.textContent = speaker === "roomi" ? "Roomi" : "You";
  const words = document.createElement("span");
  words.textContent = text;
  item.append(who, " ", words);
  ui.transcript.append(item);
  item.scrollIntoView({ block: "nearest" });
  return item;
}

function microphoneProblem(error) {
  if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
    return "Microphone access was denied, so Roomi cannot hear you. Allow the microphone for this page " +
      "(the camera/microphone icon in the address bar) and press Call again.";
  }
  if (error && error.name === "NotFoundError") {
    return "No microphone was found. Plug one in (or pick one in your system settings) and press Call again.";
  }
  return "The microphone could not be opened: " + (error && error.message ? error.message : error);
}

class Call {
  constructor() {
    this.ended = false;
    this.playAt = 0;
    this.sources = new Set();
    this.outputRate = 22050;
    this.partial = null;  // Roomi's line as she speaks it
    this.cutLine = null;  // her line the caller cut into, waiting for the words she actually said
  }

  async start() {
    setStatus("Asking for your microphone…");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      throw new Error(microphoneProblem(error));
    }
    this.context = new AudioContext({ sampleRate: LINE_RATE });
    await this.context.audioWorklet.addModule("/call/static/mic-worklet.js");
    this.microphone = new AudioWorkletNode(this.context, "mic-capture");
    this.context.createMediaStreamSource(this.stream).connect(this.microphone);

    setStatus("Calling Grand Hotel…");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    this.socket = new WebSocket(scheme + location.host + "/call/ws");
    this.socket.binaryType = "arraybuffer";
    this.socket.onmessage = (event) => this.receive(event.data);
    this.socket.onclose = () => this.finish({ status: "Not connected.",
      problem: "The line dropped: the connection to the hotel was lost. Press Call to try again." });
    this.socket.onerror = () => {};
    this.microphone.port.onmessage = (event) => {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(event.data);
    };
  }

  receive(data) {
    if (data instanceof ArrayBuffer) { this.play(data); return; }
    const message = JSON.parse(data);
    switch (message.type) {
      case "status": setStatus(message.text); break;
      case "audio": this.outputRate = message.sample_rate; break;
      case "ready": setStatus("Connected. Roomi is listening — just talk."); break;
      case "state": this.showState(message.agent); break;
      case "roomi_partial": this.showPartial(message.text); break;
      case "transcript": this.showLine(message.speaker, message.text, message.cut); break;
      case "clear": this.stopPlayback(); this.cutReply(); break;
      case "pause": this.stopPlayback(); break;
      case "ended": this.finish({ status: message.reason, letPlay: true }); break;
      case "error": this.finish({ status: "Call ended.", problem: message.detail }); break;
    }
  }

  showState(agent) {
    const words = { thinking: "Roomi is thinking…", speaking: "Roomi is speaking — talk over her to interrupt.",
      listening: "Roomi is listening." };
    if (words[agent]) setStatus(words[agent]);
  }

  showPartial(text) {
    if (!this.partial) {
      this.cutLine = null;
      this.partial = addLine("roomi", text);
      this.partial.dataset.speaking = "true";  // until her final words replace it
    } else this.partial.querySelector("span").textContent = text;
  }

  // one line per reply: her final words replace the line that showed them as she spoke, cut or not
  showLine(speaker, text, cut) {
    const line = speaker === "roomi" ? (this.partial || this.cutLine) : null;
    if (line) {
      line.querySelector("span").textContent = text;
      delete line.dataset.speaking;
      if (cut) line.classList.add("interrupted");
      this.partial = null;
      this.cutLine = null;
      return;
    }
    const added = addLine(speaker, text);
    if (cut) added.classList.add("interrupted");
  }

  cutReply() {
    if (this.partial) { this.partial.classList.add("interrupted"); this.cutLine = this.partial; this.partial = null; }
  }

  play(buffer) {
    const pcm = new Int16Array(buffer);
    const audio = this.context.createBuffer(1, pcm.length, this.outputRate);
    const samples = audio.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 32768;
    const source = this.context.createBufferSource();
    source.buffer = audio;
    source.connect(this.context.destination);
    this.playAt = Math.max(this.playAt, this.context.currentTime + 0.05);
    source.start(this.playAt);
    this.playAt += audio.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  stopPlayback() {
    for (const source of this.sources) { try { source.stop(); } catch (_) { /* already stopped */ } }
    this.sources.clear();
    this.playAt = 0;
  }

  hangUp() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "hangup" }));
    this.finish({ status: "You hung up." });
  }

  // status: how the call ended; problem: what went wrong, shown as an alert. The hotel's goodbye plays out first.
  finish({ status = "Call ended.", problem = null, letPlay = false }) {
    if (this.ended) return;
    this.ended = true;
    const playing = letPlay && this.context ? Math.max(0, this.playAt - this.context.currentTime) : 0;
    setTimeout(() => this.release(), playing * 1000);
    setStatus(status);
    if (problem) showAlert(problem);
    ui.call.disabled = false;
    ui.hangup.disabled = true;
    call = null;
  }

  release() {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close();
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    if (this.context && this.context.state !== "closed") this.context.close();
  }
}

ui.call.addEventListener("click", async () => {
  showAlert("");
  ui.call.disabled = true;
  ui.hangup.disabled = false;
  call = new Call();
  try {
    await call.start();
  } catch (error) {
    const failed = call;
    if (failed) { failed.ended = true; failed.release(); }
    call = null;
    showAlert(error.message);
    setStatus("Not connected.");
    ui.call.disabled = false;
    ui.hangup.disabled = true;
  }
});

ui.hangup.addEventListener("click", () => { if (call) call.hangUp(); });
