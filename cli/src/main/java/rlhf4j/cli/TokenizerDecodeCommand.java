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
import java.util.concurrent.Callable;

/** {@code rlhf4j tokenizer decode}: one JSON array of ids per line in, the text out. */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Decode stdin: one JSON array of ids per line; prints the text of each.")
final class TokenizerDecodeCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = TokenizerCommand.TOKENIZER_HELP)
    String tokenizer;

    @Option(names = "--json", description = "Print each text as a JSON string (keeps newlines inside a text on one line).")
    boolean asJson;

    @Override
    public Integer call() throws Exception {
        Tokenizer tok = Tokenizers.load(tokenizer);
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        long lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            String text;
            try {
                JsonNode arr = json.readTree(line);
                if (arr == null || !arr.isArray()) throw new IllegalArgumentException("expected a JSON array of token ids");
                int[] ids = new int[arr.size()];
                for (int i = 0; i < ids.length; i++) {
                    if (!arr.get(i).canConvertToInt() || !arr.get(i).isIntegralNumber())
                        throw new IllegalArgumentException("element " + i + " is not an integer: " + arr.get(i));
                    ids[i] = arr.get(i).asInt();
                }
                text = tok.decode(ids);
            } catch (Exception e) {
                out.flush();
                System.err.println("stdin line " + lineNo + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? "not valid JSON: " + j.getOriginalMessage() : e.getMessage()));
                return 1;
            }
            out.append(asJson ? json.writeValueAsString(text) : text).append('\n');
        }
        out.flush();
        return 0;
    }
}
