// Shared by the chat and comparison pages: API key, fetch with errors, SSE parsing, toasts.
"use strict";

const rl = {
  apiKey() { return localStorage.getItem("rlhf4j.apiKey") || ""; },
  setApiKey(k) { localStorage.setItem("rlhf4j.apiKey", k); },

  headers() {
    const h = { "Content-Type": "application/json" };
    const k = rl.apiKey();
    if (k) h["Authorization"] = "Bearer " + k;
    return h;
  },

  // fetch JSON; a non-2xx answer throws with the server's error message
  async api(path, body, signal) {
    const opts = { headers: rl.headers(), signal };
    if (body !== undefined) { opts.method = "POST"; opts.body = JSON.stringify(body); }
    const r = await fetch(path, opts);
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
    if (!r.ok) throw new Error((data && data.error && data.error.message) || ("HTTP " + r.status));
    return data;
  },

  // POST a streaming request and call onEvent(json) for each "data:" event until [DONE]
  async stream(path, body, onEvent, signal) {
    const r = await fetch(path, { method: "POST", headers: rl.headers(), body: JSON.stringify(body), signal });
    if (!r.ok) {
      let msg = "HTTP " + r.status;
      try { msg = (await r.json()).error.message; } catch (e) { /* keep status */ }
      throw new Error(msg);
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data:")) continue; // comments (keep-alives) and other fields
          const data = line.slice(5).trim();
          if (data === "[DONE]") return;
          const json = JSON.parse(data);
          if (json.error) throw new Error(json.error.message);
          onEvent(json);
        }
      }
    }
  },

  toast(text) {
    let t = document.querySelector(".toast");
    if (!t) { t = document.createElement("div"); t.className = "toast"; document.body.appendChild(t); }
    t.textContent = text;
    t.classList.add("show");
    clearTimeout(t._timer);
    t._timer = setTimeout(() => t.classList.remove("show"), 1800);
  },

  el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text; // always text, never HTML: answers are untrusted
    return e;
  },
};
