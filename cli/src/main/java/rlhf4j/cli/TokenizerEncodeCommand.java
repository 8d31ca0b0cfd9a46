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
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rlhf4j tokenizer encode}: one line of text (or JSONL {"text": ...}) in, one JSON array of ids out. */
@Command(name = "encode", description = "Encode stdin line by line (plain text or JSONL {\"text\": ...}); prints a JSON array of ids per line.")
final class TokenizerEncodeCommand implements Callable<Integer> {
    enum Format { auto, text, jsonl }

    @Option(names = "--tokenizer", required = true, description = TokenizerCommand.TOKENIZER_HELP)
    String tokenizer;

    @Option(names = "--format", defaultValue = "auto",
            description = "text, jsonl, or auto (a line starting with '{' is JSON). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--allow-special", description = "Recognise special tokens such as <|endoftext|> in the text.")
    boolean allowSpecial;

    @Override
    public Integer call() throws Exception {
        Tokenizer tok = Tokenizers.load(tokenizer);
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        StringBuilder sb = new StringBuilder();
        long lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            String text = line;
            if (format == Format.jsonl || format == Format.auto && line.startsWith("{")) {
                try {
                    JsonNode t = json.readTree(line).get("text");
                    if (t == null || !t.isTextual()) throw new IllegalArgumentException("expected an object with a string field \"text\"");
                    text = t.asText();
                } catch (Exception e) {
                    out.flush();
                    System.err.println("stdin line " + lineNo + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? "not valid JSON: " + j.getOriginalMessage() : e.getMessage()));
                    return 1;
                }
            }
            int[] ids = allowSpecial ? tok.encode(text, null) : tok.encode(text, Set.of());
            sb.setLength(0);
            sb.append('[');
            for (int i = 0; i < ids.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(ids[i]);
            }
            out.append(sb.append("]\n"));
        }
        out.flush();
        return 0;
    }
}
