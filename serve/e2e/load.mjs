// Load test on loopback: N concurrent clients send chat completions for a fixed time, and rate every
// FEEDBACK_EVERY-th answer through /api/ratings as the chat page does.
// Reports requests/s, p50/p99 latency, errors, the server's peak RSS (SERVER_PID) and its batching (/health).
// Fails (exit 1) on any error, on a rating acknowledged but missing from the database (DB), or on a
// server RSS above MAX_RSS_MB.
// Usage: BASE=http://127.0.0.1:8765 CLIENTS=16 DURATION_S=30 MAX_TOKENS=32 STREAM=0 SERVER_PID=123
//        DB=out/feedback.db FEEDBACK_EVERY=4 MAX_RSS_MB=1536 node load.mjs
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const base = process.env.BASE || "http://127.0.0.1:8765";
const clients = parseInt(process.env.CLIENTS || "16", 10);
const seconds = parseFloat(process.env.DURATION_S || process.env.SECONDS || "30");
const maxTokens = parseInt(process.env.MAX_TOKENS || "32", 10);
const stream = process.env.STREAM === "1";
const pid = process.env.SERVER_PID;
const db = process.env.DB;
const feedbackEvery = parseInt(process.env.FEEDBACK_EVERY || "4", 10); // 0: no ratings
const maxRssMb = parseFloat(process.env.MAX_RSS_MB || "0"); // 0: not checked
const labeler = `load-${clients}c-${process.pid}-${Date.now()}`; // tells this run's ratings apart in the DB
const headers = { "Content-Type": "application/json" };
if (process.env.API_KEY) headers.Authorization = "Bearer " + process.env.API_KEY;

const questions = ["In which town does Hekis Pellson live?", "Which food does Nostawen Pellmore like best?", "Hi!", "Tell me about Dunvale.", "What is the job of Randley?"];
const latencies = [];
const errors = {};
let tokens = 0, peakRssMb = 0, ratingsSaved = 0;

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
      let answer = "";
      if (stream) { if (!text.endsWith("data: [DONE]\n\n")) throw new Error("stream without [DONE]"); }
      else { const o = JSON.parse(text); tokens += o.usage.completion_tokens; answer = o.choices[0].message.content; }
      latencies.push(performance.now() - t0);
      if (feedbackEvery > 0 && latencies.length % feedbackEvery === 0) {
        const rating = { messages: body.messages, response: answer, rating: i % 2 ? 1 : -1, labeler };
        const f = await fetch(base + "/api/ratings", { method: "POST", headers, body: JSON.stringify(rating) });
        const saved = await f.json();
        if (f.ok && saved.saved === true) ratingsSaved++;
        else errors["rating " + f.status] = (errors["rating " + f.status] || 0) + 1;
      }
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
let ratingsStored;
if (db) ratingsStored = +execFileSync("sqlite3", [db, `SELECT COUNT(*) FROM ratings WHERE labeler = '${labeler}'`]).toString().trim();
console.log(JSON.stringify({
  clients, seconds: +elapsed.toFixed(1), max_tokens: maxTokens, stream,
  requests: latencies.length, requests_per_s: +(latencies.length / elapsed).toFixed(2),
  completion_tokens_per_s: stream ? undefined : +(tokens / elapsed).toFixed(1),
  p50_ms: +q(0.5), p99_ms: +q(0.99), errors,
  ratings: { acknowledged: ratingsSaved, stored: ratingsStored },
  server_rss_mb: { before: +rssBefore.toFixed(0), peak: +peakRssMb.toFixed(0) },
  batching: health.models[0],
}));

const problems = [];
if (latencies.length === 0) problems.push("no request was answered");
if (Object.keys(errors).length) problems.push("errors: " + JSON.stringify(errors));
if (db && ratingsStored !== ratingsSaved) problems.push(`ratings lost: ${ratingsSaved} acknowledged, ${ratingsStored} in the database`);
if (maxRssMb > 0 && peakRssMb > maxRssMb) problems.push(`server RSS peaked at ${peakRssMb.toFixed(0)} MB, above ${maxRssMb} MB`);
if (maxRssMb > 0 && peakRssMb === 0) problems.push("server RSS could not be read (SERVER_PID)");
if (problems.length) {
  console.error(`load (${clients} clients): FAILED\n  ` + problems.join("\n  "));
  process.exit(1);
}
console.log(`load (${clients} clients): OK: ${(latencies.length / elapsed).toFixed(1)} requests/s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, ` +
  `no errors, ${ratingsSaved} ratings acknowledged` + (db ? ` and ${ratingsStored} stored` : "") +
  `, server RSS ${rssBefore.toFixed(0)} -> peak ${peakRssMb.toFixed(0)} MB` + (maxRssMb > 0 ? ` (limit ${maxRssMb})` : ""));
