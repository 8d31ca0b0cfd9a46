// Malformed and hostile requests against the real server process (its CLI defaults: 1 MiB bodies,
// Jetty's own header limits). Every one must get a 4xx, never a 5xx or a dropped connection where
// an answer is due, and the server must still answer normally afterwards.
// The Java tests (RequestValidationTest, FeedbackApiTest, AuthTest) check each field's error in
// detail in-process; this checks what only the real process shows.
// Usage: BASE=http://127.0.0.1:8765 node hostile.mjs
import net from "node:net";
import assert from "node:assert/strict";

const base = process.env.BASE || "http://127.0.0.1:8765";
const { hostname, port } = new URL(base);
const json = { "Content-Type": "application/json" };
const failures = [];

async function expect(name, status, send) {
  let got;
  try {
    got = await send();
  } catch (e) {
    got = "no answer (" + e.message + ")";
  }
  const ok = typeof got === "number" && (Array.isArray(status) ? status.includes(got) : got === status);
  console.log(`${ok ? "ok  " : "FAIL"} ${String(got).padEnd(4)} ${name}`);
  if (!ok) failures.push(`${name}: expected ${status}, got ${got}`);
}

/** POSTs a body and returns the status, checking OpenAI's error shape on every 4xx from /v1 and /api. */
async function post(path, body, headers = json) {
  const r = await fetch(base + path, { method: "POST", headers, body });
  const text = await r.text();
  if (r.status >= 400 && r.status < 500 && r.status !== 431) {
    const e = JSON.parse(text).error;
    assert.ok(e && typeof e.message === "string", `${path}: OpenAI error body expected, got ${text.slice(0, 200)}`);
  }
  return r.status;
}

/** Writes raw bytes on a socket and returns the status of the first response line. */
function raw(bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: hostname, port: +port });
    let data = "";
    s.setTimeout(10_000, () => { s.destroy(); reject(new Error("timeout")); });
    s.on("data", (d) => {
      data += d.toString("latin1");
      const m = data.match(/^HTTP\/1\.[01] (\d{3})/);
      if (m) { s.destroy(); resolve(+m[1]); }
    });
    s.on("error", reject);
    s.on("close", () => reject(new Error("closed without a status line")));
    s.write(bytes);
  });
}

const chat = "/v1/chat/completions";
const ok = `"messages": [{"role": "user", "content": "hi"}]`;

await expect("malformed JSON", 400, () => post(chat, `{"messages": [`));
await expect("empty body", 400, () => post(chat, ""));
await expect("JSON array instead of an object", 400, () => post(chat, "[1, 2, 3]"));
await expect("invalid UTF-8 bytes", 400, () => post(chat, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])));
await expect("JSON nested 100,000 deep", 400, () => post(chat, "[".repeat(100_000) + "]".repeat(100_000)));
await expect("a number with 100,000 digits", 400, () => post(chat, `{${ok}, "max_tokens": ${"9".repeat(100_000)}}`));
await expect("a 2 MiB body (limit 1 MiB)", 413, () => post(chat, `{"messages": [{"role": "user", "content": "${"a".repeat(2 << 20)}"}]}`));
await expect("10,000 messages", [200, 400], () => post(chat, `{"messages": [${Array(10_000).fill(`{"role": "user", "content": "hi"}`).join(",")}], "max_tokens": 1}`));
await expect("max_tokens beyond the context", 400, () => post(chat, `{${ok}, "max_tokens": 10000000}`));
await expect("negative temperature", 400, () => post(chat, `{${ok}, "temperature": -1}`));
await expect("n = 1000", 400, () => post(chat, `{${ok}, "n": 1000}`));
await expect("unknown model", 404, () => post(chat, `{"model": "gpt-9", ${ok}}`));
await expect("a rating of 5", 400, () => post("/api/ratings", `{${ok}, "response": "x", "rating": 5}`));
await expect("a judgement of an unknown draft", [400, 404], () => post("/api/comparisons", `{"draft_id": "../../etc/passwd", "choice": 0}`));
await expect("SQL in a labeler name is stored as text", 200,
  () => post("/api/ratings", `{${ok}, "response": "x", "rating": -1, "labeler": "x'); DROP TABLE ratings;--"}`));
await expect("GET on a POST endpoint", [404, 405], async () => (await fetch(base + chat)).status);
await expect("unknown URL", 404, async () => (await fetch(base + "/v1/nothing")).status);
for (const p of ["/static/../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd"]) {
  await expect(`path traversal ${p}`, [400, 404], async () => {
    const s = await raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    return s;
  });
}
await expect("a 64 KiB header", 431, async () => raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 << 10)}\r\n\r\n`));
await expect("control characters in the request line", 400, () => raw("GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n"));
await expect("an unknown method", [400, 404, 405], () => raw("HELLO /x HTTP/1.1\r\nHost: x\r\n\r\n"));
await expect("a TLS handshake on the plain port", 400, () => raw("\x16\x03\x01\x02\x00\x01\x00\r\n\r\n"));
await expect("bad Content-Length", 400, () => raw(`POST ${chat} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n`));
await expect("HTTP/1.1 without Host", 400, () => raw("GET /health HTTP/1.1\r\n\r\n"));

// still serving normally
const r = await fetch(base + chat, { method: "POST", headers: json, body: `{${ok}, "max_tokens": 4}` });
await expect("a valid request afterwards", 200, async () => r.status);
await r.text();

if (failures.length) {
  console.error("hostile requests: FAILED\n  " + failures.join("\n  "));
  process.exit(1);
}
console.log("hostile requests: OK");
