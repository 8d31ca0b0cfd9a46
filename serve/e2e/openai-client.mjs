// The official openai npm client against rlhf4j serve: a plain and a streaming chat completion,
// the model list, and an error the client must surface as an APIError with status 400.
// Usage: BASE=http://127.0.0.1:8765/v1 [API_KEY=...] node openai-client.mjs
import OpenAI from "openai";
import assert from "node:assert/strict";

// Node's own fetch rather than the node-fetch 2.7 that openai 4.x uses by default: on Node releases
// with the 2026 http security fixes (Debian 12's node 18.20.4+dfsg-1~deb12u3 among them),
// node-fetch reports "Premature close" after any complete chunked response on a kept-alive
// connection (nodejs/node#63989, node-fetch/node-fetch#1576); openai 5+ uses Node's fetch anyway.
const client = new OpenAI({
  baseURL: process.env.BASE || "http://127.0.0.1:8765/v1", apiKey: process.env.API_KEY || "none",
  fetch: globalThis.fetch,
});

const models = await client.models.list();
const model = models.data[0].id;
console.log("models:", models.data.map((m) => m.id).join(", "));

const plain = await client.chat.completions.create({
  model, messages: [{ role: "user", content: "In which town does Hekis Pellson live?" }], max_tokens: 24, temperature: 0.7, seed: 1,
});
assert.equal(plain.object, "chat.completion");
assert.equal(plain.choices[0].message.role, "assistant");
assert.equal(typeof plain.choices[0].message.content, "string");
assert.ok(["stop", "length"].includes(plain.choices[0].finish_reason));
assert.equal(plain.usage.total_tokens, plain.usage.prompt_tokens + plain.usage.completion_tokens);
console.log("plain:", JSON.stringify(plain.choices[0].message.content), plain.usage);

const stream = await client.chat.completions.create({
  model, messages: [{ role: "user", content: "In which town does Hekis Pellson live?" }], max_tokens: 24, temperature: 0.7, seed: 1,
  stream: true, stream_options: { include_usage: true },
});
let text = "", chunks = 0, finish = null, usage = null;
for await (const chunk of stream) {
  chunks++;
  assert.equal(chunk.object, "chat.completion.chunk");
  if (chunk.usage) usage = chunk.usage;
  const c = chunk.choices[0];
  if (!c) continue;
  text += c.delta?.content ?? "";
  if (c.finish_reason) finish = c.finish_reason;
}
console.log("stream:", chunks, "chunks", JSON.stringify(text), "finish", finish, usage);
assert.equal(text, plain.choices[0].message.content, "same seed, same answer streamed or not");
assert.ok(finish);
assert.equal(usage.completion_tokens, plain.usage.completion_tokens);

try {
  await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 10_000_000 });
  assert.fail("a max_tokens beyond the context must be refused");
} catch (e) {
  assert.ok(e instanceof OpenAI.APIError, String(e));
  assert.equal(e.status, 400);
  console.log("error surfaced:", e.status, e.code, "-", e.message);
}
console.log("openai client: OK");
