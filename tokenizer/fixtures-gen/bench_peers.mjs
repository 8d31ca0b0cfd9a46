// Measures the npm tokenizers on the same text as `./rlhf4j tokenizer bench`, side by side:
//   node bench_peers.mjs FILE [encoding=cl100k_base]
// Prints one JSON line per peer and mode: MB/s of UTF-8 input, whole text and line by line.
import { readFileSync } from "node:fs";
import { get_encoding } from "tiktoken";

const file = process.argv[2];
const encName = process.argv[3] ?? "cl100k_base";
const text = readFileSync(file, "utf8");
const lines = text.split("\n");
const mb = Buffer.byteLength(text, "utf8") / 1e6;

function measure(name, mode, fn) {
  fn(); // warm-up
  let best = Infinity, tokens = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    tokens = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(JSON.stringify({ peer: name, encoding: encName, mode, mb: +mb.toFixed(3), tokens,
    seconds: +best.toFixed(3), mb_per_s: +(mb / best).toFixed(2) }));
}

const gpt = await import(`gpt-tokenizer/encoding/${encName}`);
measure("gpt-tokenizer", "whole", () => gpt.encode(text).length);
measure("gpt-tokenizer", "lines", () => { let n = 0; for (const l of lines) n += gpt.encode(l).length; return n; });

const tk = get_encoding(encName);
measure("tiktoken-wasm", "whole", () => tk.encode_ordinary(text).length);
measure("tiktoken-wasm", "lines", () => { let n = 0; for (const l of lines) n += tk.encode_ordinary(l).length; return n; });
tk.free();
