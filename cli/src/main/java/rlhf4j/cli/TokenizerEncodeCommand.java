package rlhf4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rlhf4j tokenizer encode}: one line of text (or JSONL {"text": ...}) in, one JSON array of ids out. */
@Command(name = "encode", mixinStandardHelpOptions = true, description = "Encode stdin line by line (plain text or JSONL {\"text\": ...}); prints a JSON array of ids per line.")
final class TokenizerEncodeCommand implements Callable<Integer> {
    enum Format { auto, text, jsonl }

    @Option(names = "--tokenizer", required = true, description = TokenizerCommand.TOKENIZER_HELP)
    String tokenizer;

    @Option(names = "--format", defaultValue = "auto",
            description = "text, jsonl, or auto (jsonl if the first line is a JSON object with \"text\"). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--allow-special", description = "Recognise special tokens such as <|endoftext|> in the text.")
    boolean allowSpecial;

    @Option(names = "--threads", defaultValue = "2", description = "Encoding threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    private static final int BATCH = 4096; // lines encoded together, in parallel

    @Override
    public Integer call() throws Exception {
        Tokenizer tok = Tokenizers.load(tokenizer);
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        List<String> batch = new ArrayList<>(BATCH);
        long lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            String text = line;
            if (format == Format.auto && !line.isBlank()) format = looksLikeJsonl(json, line) ? Format.jsonl : Format.text;
            if (format == Format.jsonl) {
                try {
                    JsonNode t = json.readTree(line).get("text");
                    if (t == null || !t.isTextual()) throw new IllegalArgumentException("expected an object with a string field \"text\"");
                    text = t.asText();
                } catch (Exception e) {
                    flush(tok, batch, out); // lines before the bad one are still answered
                    out.flush();
                    System.err.println("stdin line " + lineNo + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? "not valid JSON: " + j.getOriginalMessage() : e.getMessage()));
                    return 1;
                }
            }
            batch.add(text);
            if (batch.size() == BATCH) flush(tok, batch, out);
        }
        flush(tok, batch, out);
        out.flush();
        return 0;
    }

    private static boolean looksLikeJsonl(ObjectMapper json, String line) {
        if (!line.startsWith("{")) return false;
        try {
            JsonNode n = json.readTree(line);
            return n != null && n.has("text");
        } catch (Exception e) {
            return false;
        }
    }

    private void flush(Tokenizer tok, List<String> batch, BufferedWriter out) throws java.io.IOException {
        int[][] all = tok.encodeAll(batch, allowSpecial ? null : Set.of(), threads);
        StringBuilder sb = new StringBuilder();
        for (int[] ids : all) {
            sb.setLength(0);
            sb.append('[');
            for (int i = 0; i < ids.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(ids[i]);
            }
            out.append(sb.append("]\n"));
        }
        batch.clear();
    }
}
