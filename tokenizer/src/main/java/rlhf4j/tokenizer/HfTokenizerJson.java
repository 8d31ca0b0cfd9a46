package rlhf4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face {@code tokenizer.json} for byte-level BPE. Written as: model BPE (byte-level
 * vocabulary in GPT-2's byte-to-unicode spelling, merges in priority order), pre-tokenizer
 * Sequence[Split(regex, Isolated), ByteLevel(use_regex=false)], decoder ByteLevel, special tokens
 * as added tokens. Read back from that form or from GPT-2's own (pre-tokenizer ByteLevel with
 * use_regex=true). A token's merge priority is the index of the merge that makes it.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerJson() {}

    public static void write(Tokenizer tok, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (var e : tok.specialTokens().entrySet()) {
            ObjectNode t = added.addObject();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode seq = pre.putArray("pretokenizers");
        ObjectNode split = seq.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", tok.pattern());
        split.put("behavior", "Isolated");
        split.put("invert", false);
        ObjectNode bl = seq.addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("trim_offsets", true);
        bl.put("use_regex", false);
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        ArrayNode merges = model.putArray("merges");
        for (int id : tok.ordinaryIdsByPriority()) {
            byte[] b = tok.tokenBytes(id);
            vocab.put(ByteLevel.encode(b), id);
            if (b.length > 1 && tok.priority(id) != Integer.MAX_VALUE) { // unreachable tokens have no merge
                int cut = mergeCut(tok, b, tok.priority(id));
                merges.add(ByteLevel.encode(Arrays.copyOf(b, cut)) + " " + ByteLevel.encode(Arrays.copyOfRange(b, cut, b.length)));
            }
        }
        // Special tokens sit in the vocab too (as in GPT-2's file): Hugging Face then keeps their ids
        // even where they leave gaps, instead of numbering added tokens from the vocab's size.
        for (var e : tok.specialTokens().entrySet()) vocab.put(e.getKey(), e.getValue());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, root);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Where the last merge that makes token bytes b cuts it: BPE-merge b using only tokens of lower
     * priority; the two parts left are the merge's left and right token.
     */
    static int mergeCut(Tokenizer tok, byte[] b, int priority) {
        int n = b.length;
        int[] pos = new int[n + 1];
        for (int i = 0; i <= n; i++) pos[i] = i;
        int cnt = n + 1;
        while (cnt > 3) {
            int best = Integer.MAX_VALUE, at = -1;
            for (int i = 0; i + 2 < cnt; i++) {
                int r = tok.priorityOf(b, pos[i], pos[i + 2]);
                if (r < priority && r < best) { best = r; at = i; }
            }
            if (at < 0) break;
            System.arraycopy(pos, at + 2, pos, at + 1, cnt - at - 2);
            cnt--;
        }
        if (cnt != 3) throw new IllegalStateException("token " + ByteLevel.encode(b) + " cannot be made by one merge of lower-priority tokens");
        return pos[1];
    }

    public static Tokenizer read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText("BPE")) || !model.has("vocab"))
            throw new IOException(file + ": model must be BPE with a vocab (found type " + model.path("type") + ")");
        if (model.path("byte_fallback").asBoolean(false) || root.path("pre_tokenizer").path("type").asText().equals("Metaspace"))
            throw new IOException(file + ": SentencePiece-style BPE (Metaspace, byte_fallback, as Llama 2 and Mistral use) "
                    + "is not supported; only byte-level BPE (GPT-2, Llama 3, Qwen2 style) is");
        checkNormalizer(root.path("normalizer"), file);
        Map<String, Integer> vocab = new HashMap<>();
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
            var e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
            size = Math.max(size, e.getValue().asInt() + 1);
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) specials.put(t.path("content").asText(), t.path("id").asInt());
        byte[][] ordinary = new byte[size][];
        int[] priority = new int[size];
        Arrays.fill(priority, Integer.MAX_VALUE);
        for (var e : vocab.entrySet()) {
            if (specials.containsKey(e.getKey()) && specials.get(e.getKey()).equals(e.getValue())) continue;
            byte[] b = ByteLevel.decode(e.getKey());
            if (b == null) throw new IOException(file + ": token " + e.getKey() + " (id " + e.getValue()
                    + ") is not in byte-level form; only byte-level BPE is supported");
            ordinary[e.getValue()] = b;
        }
        int i = 0;
        for (JsonNode m : model.path("merges")) {
            String left, right;
            if (m.isArray()) { left = m.get(0).asText(); right = m.get(1).asText(); }
            else {
                String s = m.asText();
                int sp = s.indexOf(' ');
                if (sp < 0) throw new IOException(file + ": merge " + i + " is not 'left right': " + s);
                left = s.substring(0, sp);
                right = s.substring(sp + 1);
            }
            Integer id = vocab.get(left + right);
            if (id == null) throw new IOException(file + ": merge " + i + " makes " + left + right + ", which is not in the vocab");
            priority[id] = Math.min(priority[id], i);
            i++;
        }
        String pattern = splitPattern(root.path("pre_tokenizer"), file);
        String name = file.getParent() != null && file.getFileName().toString().equals("tokenizer.json")
                ? file.getParent().getFileName().toString() : file.getFileName().toString();
        return new Tokenizer(name, pattern, ordinary, priority, specials);
    }

    /**
     * The split regex of a byte-level pre-tokenizer: ByteLevel alone (GPT-2's built-in regex), or a
     * Sequence of Split(regex, Isolated) then ByteLevel(use_regex=false) as Llama 3 and Qwen2 write
     * it. Anything else would split text differently from Hugging Face, so it is an error naming it.
     */
    private static String splitPattern(JsonNode pre, Path file) throws IOException {
        String type = pre.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                String pattern = null;
                for (JsonNode p : pre.path("pretokenizers")) {
                    String t = p.path("type").asText();
                    if (t.equals("ByteLevel")) {
                        checkNoPrefixSpace(p, file);
                        if (!p.path("use_regex").asBoolean(true)) continue;
                    } else if (!t.equals("Split")) {
                        throw new IOException(file + ": pre_tokenizer " + t + " inside the Sequence is not supported "
                                + "(only Split and ByteLevel are)");
                    }
                    if (pattern != null) throw new IOException(file + ": a pre_tokenizer Sequence with two splitting "
                            + "steps is not supported: " + pre);
                    pattern = splitPattern(p, file);
                }
                if (pattern != null) return pattern;
            }
            case "Split" -> {
                if (!pre.path("behavior").asText("Isolated").equals("Isolated") || pre.path("invert").asBoolean(false))
                    throw new IOException(file + ": Split pre_tokenizer with behavior " + pre.path("behavior")
                            + (pre.path("invert").asBoolean(false) ? " inverted" : "") + " is not supported (Isolated only)");
                JsonNode pat = pre.path("pattern");
                if (pat.has("Regex")) return pat.get("Regex").asText();
                if (pat.has("String")) return java.util.regex.Pattern.quote(pat.get("String").asText());
            }
            case "ByteLevel" -> {
                checkNoPrefixSpace(pre, file);
                if (pre.path("use_regex").asBoolean(true)) return Encoding.GPT2.pattern();
            }
            default -> { }
        }
        throw new IOException(file + ": unsupported pre_tokenizer " + pre + "; expected ByteLevel or Sequence[Split, ByteLevel]");
    }

    private static void checkNoPrefixSpace(JsonNode byteLevel, Path file) throws IOException {
        if (byteLevel.path("add_prefix_space").asBoolean(false)) throw new IOException(file
                + ": ByteLevel add_prefix_space=true is not supported (rlhf4j does not insert a leading space)");
    }

    /**
     * We apply no normalizer. NFC is accepted (text already in NFC, as nearly all text is, is left
     * unchanged by it); any other normalizer would change the ids, so it is an error.
     */
    private static void checkNormalizer(JsonNode n, Path file) throws IOException {
        if (n.isMissingNode() || n.isNull()) return;
        String type = n.path("type").asText();
        if (type.equals("NFC")) return;
        if (type.equals("Sequence")) {
            for (JsonNode m : n.path("normalizers")) checkNormalizer(m, file);
            return;
        }
        throw new IOException(file + ": normalizer " + type + " is not supported (none or NFC only)");
    }
}
