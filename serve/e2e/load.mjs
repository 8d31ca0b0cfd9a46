// Load test on loopback: N concurrent clients send chat completions for a fixed time.
// Reports requests/s, p50/p99 latency, errors, the server's peak RSS (SERVER_PID) and its batching (/health).
// Usage: BASE=http://127.0.0.1:8765 CLIENTS=16 SECONDS=30 MAX_TOKENS=32 STREAM=0 SERVER_PID=123 node load.mjs
import { readFileSync } from "node:fs";

const base = process.env.BASE || "http://127.0.0.1:8765";
const clients = parseInt(process.env.CLIENTS || "16", 10);
const seconds = parseFloat(process.env.SECONDS || "30");
const maxTokens = parseInt(process.env.MAX_TOKENS || "32", 10);
const stream = process.env.STREAM === "1";
const pid = process.env.SERVER_PID;
const headers = { "Content-Type": "application/json" };
if (process.env.API_KEY) headers.Authorization = "Bearer " + process.env.API_KEY;

const questions = ["In which town does Hekis Pellson live?", "Which food does Nostawen Pellmore like best?", "Hi!", "Tell me about Dunvale.", "What is the job of Randley?"];
const latencies = [];
const errors = {};
let tokens = 0, peakRssMb = 0;

function rssMb() {
  if (!pid) return 0;
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return m ? parseInt(m[1], 10) / 1024 : 0;
  } catch { return 0; }
}
const sampler = setInterval(() => { peakRssMb = Math.max(peakRssMb, rssMb()); }, 200);

const end = Date.now() + seconds * 1000;
async function client(k) {
  let i = 0;
  while (Date.now() < end) {
    const body = { messages: [{ role: "user", content: questions[(k + i++) % questions.length] }], max_tokens: maxTokens, temperature: 0.8, stream };
    const t0 = performance.now();
    try {
      const r = await fetch(base + "/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) { errors[r.status] = (errors[r.status] || 0) + 1; continue; }
      if (stream) { if (!text.endsWith("data: [DONE]\n\n")) throw new Error("stream without [DONE]"); }
      else tokens += JSON.parse(text).usage.completion_tokens;
      latencies.push(performance.now() - t0);
    } catch (e) {
      errors[e.message] = (errors[e.message] || 0) + 1;
    }
  }
}
const rssBefore = rssMb();
const t0 = Date.now();
await Promise.all(Array.from({ length: clients }, (_, k) => client(k)));
const elapsed = (Date.now() - t0) / 1000;
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(0) : "-";
const health = await (await fetch(base + "/health")).json();
console.log(JSON.stringify({
  clients, seconds: +elapsed.toFixed(1), max_tokens: maxTokens, stream,
  requests: latencies.length, requests_per_s: +(latencies.length / elapsed).toFixed(2),
  completion_tokens_per_s: stream ? undefined : +(tokens / elapsed).toFixed(1),
  p50_ms: +q(0.5), p99_ms: +q(0.99), errors,
  server_rss_mb: { before: +rssBefore.toFixed(0), peak: +peakRssMb.toFixed(0) },
  batching: health.models[0],
}, null, 1));
