// The comparison page: a prompt, K sampled answers, the person's pick (or tie / both bad), saved to the store.
"use strict";

const $ = (id) => document.getElementById(id);
let draft = null;      // {draft_id, prompt, responses}
let choice = null;     // answer index, "tie" or "both_bad"
let session = 0;       // comparisons saved from this page
let promptIndex = null;
let busy = false;
let seq = 0;           // only the latest sampling request may fill the page

function labeler() { return $("labeler").value.trim(); }

function showPrompt(p) {
  if (typeof p === "string") { $("prompt").textContent = p; return; }
  $("prompt").textContent = p.map((m) => m.role + ": " + m.content).join("\n");
}

function renderChoices(k) {
  const box = $("choices");
  box.textContent = "";
  for (let i = 0; i < k; i++) box.appendChild(choiceButton(String(i + 1) + " is better", i));
  box.appendChild(choiceButton("Tie (t)", "tie"));
  box.appendChild(choiceButton("Both bad (b)", "both_bad"));
}

function choiceButton(text, value) {
  const b = rl.el("button", "secondary", text);
  b.dataset.value = String(value);
  b.onclick = () => select(value);
  return b;
}

function select(value) {
  if (!draft) return;
  choice = value;
  for (const b of $("choices").children) b.classList.toggle("selected", b.dataset.value === String(value));
  const answers = $("answers").children;
  for (let i = 0; i < answers.length; i++) answers[i].classList.toggle("selected", value === i);
  $("save").disabled = false;
}

async function sample(body) {
  const mine = ++seq;
  busy = true;
  document.body.dataset.ready = "0";
  draft = null; choice = null;
  $("save").disabled = true;
  $("answers").textContent = "";
  $("answers").appendChild(rl.el("div", "hint", "sampling answers…"));
  try {
    const d = await rl.api("/api/compare/sample", body);
    if (mine !== seq) return; // a newer prompt was asked for meanwhile
    draft = d;
    showPrompt(draft.prompt);
    const box = $("answers");
    box.textContent = "";
    box.style.gridTemplateColumns = "repeat(" + draft.responses.length + ", 1fr)";
    draft.responses.forEach((text, i) => {
      const a = rl.el("div", "answer");
      a.appendChild(rl.el("span", "key", String(i + 1)));
      a.appendChild(rl.el("div", "", text === "" ? "(empty answer)" : text));
      a.onclick = () => select(i);
      box.appendChild(a);
    });
    renderChoices(draft.responses.length);
    document.body.dataset.ready = "1";
  } catch (e) {
    if (mine !== seq) return;
    $("answers").textContent = "";
    $("answers").appendChild(rl.el("div", "msg error", "error: " + e.message));
  }
  busy = false;
}

async function next() {
  const mine = ++seq;
  $("note").value = "";
  try {
    const q = labeler() ? "?labeler=" + encodeURIComponent(labeler()) : "";
    const n = await rl.api("/api/compare/next" + q);
    if (mine !== seq) return;
    $("progress").textContent = (n.total ? n.done + " / " + n.total + " prompts judged" : "no prompt file") + " · " + session + " this session";
    if (n.prompt === null) {
      promptIndex = null;
      $("prompt").textContent = n.total ? "All file prompts are judged. Type a prompt above to keep going." : "Type a prompt above to get answers to compare.";
      $("source").textContent = "";
      $("answers").textContent = "";
      $("choices").textContent = "";
      return;
    }
    promptIndex = n.prompt_index;
    showPrompt(n.prompt);
    $("source").textContent = "(prompt " + (n.prompt_index + 1) + " of " + n.total + ")";
    await sample({ prompt_index: n.prompt_index });
  } catch (e) {
    $("progress").textContent = e.message;
  }
}

async function save() {
  if (!draft || choice === null || busy) return;
  busy = true;
  $("save").disabled = true;
  try {
    await rl.api("/api/comparisons", { draft_id: draft.draft_id, choice, note: $("note").value.trim() || null, labeler: labeler() || null });
    session++;
    rl.toast("saved");
    draft = null;
    busy = false;
    await next();
  } catch (e) {
    busy = false;
    $("save").disabled = false;
    rl.toast("not saved: " + e.message);
  }
}

document.addEventListener("keydown", (e) => {
  const inField = e.target.tagName === "TEXTAREA" || (e.target.tagName === "INPUT" && e.target.id !== "note");
  if (e.key === "Enter" && e.target.tagName !== "TEXTAREA" && e.target.tagName !== "BUTTON" && !inField) { e.preventDefault(); save(); return; }
  if (inField || e.target.id === "note" || e.ctrlKey || e.metaKey || e.altKey) return;
  if (!draft) return;
  if (/^[1-4]$/.test(e.key) && parseInt(e.key, 10) <= draft.responses.length) select(parseInt(e.key, 10) - 1);
  else if (e.key === "t") select("tie");
  else if (e.key === "b") select("both_bad");
});

$("save").onclick = save;
$("skip").onclick = () => { if (promptIndex !== null) sample({ prompt_index: promptIndex }); };
$("useTyped").onclick = () => {
  const p = $("typed").value.trim();
  if (!p) return;
  promptIndex = null;
  $("source").textContent = "(typed)";
  showPrompt(p);
  sample({ prompt: p });
};
$("labeler").value = localStorage.getItem("rlhf4j.labeler") || "";
$("labeler").onchange = () => { localStorage.setItem("rlhf4j.labeler", labeler()); next(); };
$("apikey").value = rl.apiKey();
$("apikey").onchange = () => { rl.setApiKey($("apikey").value.trim()); next(); };
next();
