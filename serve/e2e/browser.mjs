// Headless Chromium drives both pages like a person: a chat round trip with a thumbs-up, and a
// comparison picked with the keyboard; then the comparison is looked up in the database.
// Usage: BASE=http://127.0.0.1:8765 DB=/path/feedback.db OUT=out node browser.mjs
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

const base = process.env.BASE || "http://127.0.0.1:8765";
const out = process.env.OUT || "out";
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
const problems = [];
page.on("pageerror", (e) => problems.push("page error: " + e.message));
page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });

// chat: send, wait for the streamed answer to finish (thumbs appear), rate it
await page.goto(base + "/");
await page.waitForFunction(() => document.getElementById("status").textContent === "ready");
await page.fill("#input", "In which town does Hekis Pellson live?");
await page.press("#input", "Enter");
try {
  await page.waitForSelector(".msg.assistant .meta button", { timeout: 60_000 });
} catch (e) {
  await page.screenshot({ path: out + "/chat-failed.png", fullPage: true });
  console.error(problems);
  throw e;
}
const answer = await page.textContent(".msg.assistant .body");
console.log("chat answer:", JSON.stringify(answer));
await page.click(".msg.assistant .meta button >> nth=0");
await page.waitForSelector(".msg.assistant .meta button.chosen");
await page.screenshot({ path: out + "/chat.png", fullPage: true });

// comparison: answers appear, '2' picks the second, a note, Enter saves, the next prompt loads
await page.goto(base + "/compare");
await page.fill("#labeler", "e2e-bot");
await page.press("#labeler", "Tab");
await page.waitForSelector("body[data-ready='1']", { timeout: 60_000 });
await page.waitForFunction(() => /prompts judged/.test(document.getElementById("progress").textContent));
const before = await page.textContent("#progress");
await page.evaluate(() => document.activeElement && document.activeElement.blur()); // a person clicks away from the name field
await page.keyboard.press("2");
await page.waitForSelector(".answer.selected");
const prompt = await page.textContent("#prompt");
await page.screenshot({ path: out + "/compare.png", fullPage: true });
await page.fill("#note", "second is clearer (e2e)");
await page.press("#note", "Enter");
await page.waitForFunction((b) => document.getElementById("progress").textContent !== b, before, { timeout: 60_000 });
const after = await page.textContent("#progress");
console.log("progress:", before, "->", after);
await page.screenshot({ path: out + "/compare-next.png", fullPage: true });
await browser.close();

if (process.env.DB) {
  const rows = execFileSync("sqlite3", ["-json", process.env.DB,
    "SELECT c.prompt, c.labeler, c.outcome, c.best_index, c.note, COUNT(r.position) AS answers FROM comparisons c " +
    "JOIN comparison_responses r ON r.comparison_id = c.id WHERE c.labeler = 'e2e-bot' GROUP BY c.id ORDER BY c.created_at DESC LIMIT 1"]).toString();
  const row = JSON.parse(rows)[0];
  console.log("stored:", row);
  assert.equal(row.outcome, "best");
  assert.equal(row.best_index, 1);
  assert.equal(row.note, "second is clearer (e2e)");
  assert.equal(JSON.parse(row.prompt), prompt);
  const ratings = JSON.parse(execFileSync("sqlite3", ["-json", process.env.DB, "SELECT rating, response FROM ratings ORDER BY created_at DESC LIMIT 1"]).toString());
  assert.equal(ratings[0].rating, 1);
  assert.equal(ratings[0].response, answer);
}
assert.deepEqual(problems, []);
console.log("browser: OK");
