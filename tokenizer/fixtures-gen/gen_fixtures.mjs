// Writes the tokenizer test fixtures: for each encoding, a corpus of texts with the ids OpenAI's
// tiktoken core (Rust, compiled to WASM in the npm package `tiktoken`) gives them, plus the part of
// the rank file those texts need, so committed tests never need the full 1-4 MB rank files.
//
//   cd tokenizer/fixtures-gen && npm install && node gen_fixtures.mjs
//
// Output (tokenizer/src/test/resources/tiktoken/):
//   <enc>.cases.jsonl      {"text": ..., "allowed": "none"|"all", "ids": [...]}, one case a line
//   <enc>.subset.tiktoken  every rank whose bytes occur as a substring of some case's UTF-8; BPE only
//                          ever asks for ranks of substrings of a pre-token, so with this subset the
//                          encoder behaves exactly as with the full file on these texts.
import { get_encoding } from "tiktoken";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const out = new URL("../src/test/resources/tiktoken/", import.meta.url);

// Deterministic PRNG (mulberry32) so the corpus is the same on every run.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus() {
  const texts = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog. It's 5 o'clock; we'll see.",
    "I'm sure they're right, but you've said we'd go and I'll stay. DON'T SHOUT! It'S fine.",
    "Contractions with odd case: 'S 'T 'RE 'Ve 'M 'Ll 'D, and the long s: 'ſ (U+017F), Kelvin 'K.",
    "In 1969, Apollo 11 landed; 384,400 km away. Pi is 3.14159265358979323846 and e is 2.718281828.",
    "12345678901234567890123456789 000 0x1F 1e-9 -42 +7 ½ ² ٣٤٥ ४२",
    "    indented four spaces\n\tand a tab\n\n\nthree newlines\r\nCRLF line\rCR only",
    "trailing spaces   ",
    "   leading spaces",
    " ",
    "",
    "\n",
    "  \n  \n",
    "a\u00a0b\u3000c\u2028d\u2029e\u0085f\u200bg",
    "public static int add(int a, int b) {\n    return a + b; // sum\n}\n",
    "def f(x):\n    if x <= 0:\n        return []\n    return [i**2 for i in range(x)]  # squares\n",
    "<html><body class=\"main\"><p id='x'>Text &amp; more</p></body></html>",
    "{\"key\": [1, 2.5, null, true], \"nested\": {\"a\": \"b\"}}",
    "path/to/file.txt C:\\Users\\me\\x.json https://example.com/a?b=c&d=e#frag",
    "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ 🧑‍💻",
    "中文测试：我爱北京天安门。日本語のテキスト、カタカナとひらがな。한국어 텍스트입니다.",
    "Русский текст, Ελληνικά γράμματα, עברית, العربية مع التشكيل: مُحَمَّد",
    "हिन्दी में लिखा गया पाठ; தமிழ் எழுத்துக்கள்; ภาษาไทย",
    "Combining: e\u0301 a\u0308 n\u0303 A\u030A o\u0302\u0323 Z\u0351\u0362\u0367",
    "ÀÉÎÕÜ àéîõü Çç Ññ ß ẞ ǅ ǈ ǋ Ǉ ǉ ﬁ ﬂ",
    "CamelCaseIdentifier getHTTPResponseCode XMLHttpRequest iPhone eBay",
    "<|endoftext|> is a special token, and so is <|fim_prefix|> and <|endofprompt|>.",
    "!!!!!!!!!!????...,,,;;;:::---___===+++***&&&%%%$$$###@@@",
    "a".repeat(300),
    " ".repeat(200) + "x",
    "\n".repeat(50),
    "ab".repeat(150),
    "0123456789".repeat(20),
    "-".repeat(130) + "=".repeat(70),
    "lone high \uD800 and lone low \uDC00 and reversed \uDC00\uD800 end",
    "x\uD83D",
    "\uDFFFy",
    "mixed 😀\uD83D😀",
    "tabs\t\t\tand\t spaces \t mixed\t",
    "end with newline\n",
    "ends with spaces and newline   \n",
    "'s's 's 'S's '''",
  ];
  // Random strings from a pool that stresses the split rules' boundaries.
  const pool = [
    "a", "b", "Z", "é", "ß", "中", "語", "😀", "🏽", "\u0301", " ", " ", " ", "\t", "\n", "\r", "\u00a0",
    "0", "7", "٣", "'", "'s", "'LL", ".", ",", "!", "/", "\\", "<", "|", ">", "\"", "-", "_", "\uD800",
    "the", "The", "THE", " and", "ing", "http", "<|endoftext|>", "  ", "\r\n",
  ];
  const r = rng(20261129);
  for (let i = 0; i < 120; i++) {
    const n = 1 + Math.floor(r() * 40);
    let s = "";
    for (let j = 0; j < n; j++) s += pool[Math.floor(r() * pool.length)];
    texts.push(s);
  }
  return texts;
}

// tiktoken (like Python's) turns lone surrogates into U+FFFD before encoding.
function wellFormed(s) {
  return s.toWellFormed ? s.toWellFormed() : s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

const texts = corpus();
for (const name of ["gpt2", "cl100k_base", "o200k_base"]) {
  const enc = get_encoding(name);
  const spec = require(`tiktoken/encoders/${name}.json`);
  const ranks = new Map(); // latin1 string of the token's bytes -> rank
  let maxLen = 0;
  for (const line of spec.bpe_ranks.split("\n")) {
    const sp = line.split(" ");
    if (sp.length < 3) continue;
    let rank = parseInt(sp[1], 10);
    for (const b64 of sp.slice(2)) {
      const bytes = Buffer.from(b64, "base64").toString("latin1");
      ranks.set(bytes, rank++);
      maxLen = Math.max(maxLen, bytes.length);
    }
  }
  const lines = [];
  const needed = new Set();
  for (let b = 0; b < 256; b++) needed.add(String.fromCharCode(b));
  for (const text of texts) {
    for (const allowed of ["none", "all"]) {
      if (allowed === "all" && !text.includes("<|")) continue;
      const ids = allowed === "all" ? enc.encode(text, "all") : enc.encode_ordinary(text);
      lines.push(JSON.stringify({ text, allowed, ids: Array.from(ids) }));
    }
    const bytes = Buffer.from(wellFormed(text), "utf8").toString("latin1");
    for (let i = 0; i < bytes.length; i++)
      for (let j = i + 1; j <= Math.min(bytes.length, i + maxLen); j++) {
        const sub = bytes.substring(i, j);
        if (ranks.has(sub)) needed.add(sub);
      }
  }
  const subset = [...needed].map((s) => [ranks.get(s), s]).sort((a, b) => a[0] - b[0]);
  writeFileSync(new URL(`${name}.cases.jsonl`, out), lines.join("\n") + "\n");
  writeFileSync(new URL(`${name}.subset.tiktoken`, out),
    subset.map(([rank, s]) => Buffer.from(s, "latin1").toString("base64") + " " + rank).join("\n") + "\n");
  console.log(`${name}: ${lines.length} cases, ${subset.length} ranks of ${ranks.size}`);
  enc.free();
}
