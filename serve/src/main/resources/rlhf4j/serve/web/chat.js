// The chat page: a conversation streamed from /v1/chat/completions, stop button, thumbs up/down.
"use strict";

const $ = (id) => document.getElementById(id);
let turns = [];        // {role, content} of the finished turns
let controller = null;   // aborts the answer being streamed

function settings() {
  const s = {
    model: $("model").value || undefined,
    temperature: parseFloat($("temperature").value),
    top_p: parseFloat($("top_p").value),
    max_tokens: parseInt($("max_tokens").value, 10) || undefined,
  };
  const seed = $("seed").value.trim();
  if (seed !== "") s.seed = parseInt(seed, 10);
  return s;
}

function messagesFor(turns) {
  const sys = $("system").value.trim();
  return (sys ? [{ role: "system", content: sys }] : []).concat(turns);
}

function bubble(role, text) {
  const b = rl.el("div", "msg " + role);
  const body = rl.el("span", "body", text);
  b.appendChild(body);
  $("conversation").appendChild(b);
  $("conversation").scrollTop = $("conversation").scrollHeight;
  return b;
}

// thumbs under a finished answer; the conversation before it and the sampling are stored with the rating
function addRating(b, before, answer, sampling, finish) {
  const meta = rl.el("div", "meta");
  const up = rl.el("button", "", "▲ good"), down = rl.el("button", "", "▼ bad");
  up.title = "good answer"; down.title = "bad answer";
  up.dataset.rating = "1"; down.dataset.rating = "-1";
  const note = rl.el("span", "", finish === "length" ? "(cut at max tokens)" : finish === "cancelled" ? "(stopped)" : "");
  for (const btn of [up, down]) {
    btn.onclick = async () => {
      try {
        await rl.api("/api/ratings", {
          model: sampling.model, messages: before, response: answer,
          rating: parseInt(btn.dataset.rating, 10), labeler: $("labeler").value.trim() || null, sampling,
        });
        up.classList.toggle("chosen", btn === up);
        down.classList.toggle("chosen", btn === down);
        rl.toast("rating saved");
      } catch (e) { rl.toast("not saved: " + e.message); }
    };
  }
  meta.append(up, down, note);
  b.appendChild(meta);
}

async function send() {
  const text = $("input").value.trim();
  if (!text || controller) return;
  $("input").value = "";
  turns.push({ role: "user", content: text });
  bubble("user", text);
  const before = messagesFor(turns.slice());
  const sampling = settings();
  const b = bubble("assistant", "");
  const body = b.querySelector(".body");
  let answer = "", finish = null;
  controller = new AbortController();
  $("send").disabled = true; $("stop").disabled = false;
  try {
    await rl.stream("/v1/chat/completions", Object.assign({ messages: before, stream: true }, sampling), (chunk) => {
      const c = chunk.choices && chunk.choices[0];
      if (!c) return;
      if (c.delta && c.delta.content) { answer += c.delta.content; body.textContent = answer; }
      if (c.finish_reason) finish = c.finish_reason;
      $("conversation").scrollTop = $("conversation").scrollHeight;
    }, controller.signal);
  } catch (e) {
    if (e.name === "AbortError") finish = "cancelled";
    else { b.className = "msg error"; body.textContent = "error: " + e.message; }
  }
  controller = null;
  $("send").disabled = false; $("stop").disabled = true;
  if (b.className !== "msg error") {
    turns.push({ role: "assistant", content: answer });
    addRating(b, before, answer, sampling, finish);
  } else {
    turns.pop();
  }
}

$("send").onclick = send;
$("stop").onclick = () => { if (controller) controller.abort(); };
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); }
});
$("clear").onclick = () => { if (!controller) { turns = []; $("conversation").textContent = ""; } };
$("temperature").oninput = () => { $("tval").textContent = $("temperature").value; };
$("top_p").oninput = () => { $("pval").textContent = $("top_p").value; };
$("apikey").value = rl.apiKey();
$("apikey").onchange = () => { rl.setApiKey($("apikey").value.trim()); load(); };
$("labeler").value = localStorage.getItem("rlhf4j.labeler") || "";
$("labeler").onchange = () => localStorage.setItem("rlhf4j.labeler", $("labeler").value.trim());

async function load() {
  try {
    const cfg = await rl.api("/api/config");
    $("model").textContent = "";
    for (const m of cfg.models) {
      const o = rl.el("option", "", m.id + " (" + m.context_length + " tokens)");
      o.value = m.id;
      $("model").appendChild(o);
    }
    $("status").textContent = "ready";
  } catch (e) {
    $("status").textContent = e.message;
  }
}
load();
