package rlhf4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generation;
import rlhf4j.model.generate.GenerationConfig;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.ChatTemplate.Message;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/** {@code rlhf4j chat}: talk to a fine-tuned run in the terminal, the answer streaming as it is generated. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a model run in the terminal. /reset starts over, /quit leaves.")
final class ChatCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "run folder (config.json, model.safetensors, tokenizer.json)")
    Path model;
    @Option(names = "--system", description = "system message that opens the conversation")
    String system;
    @Option(names = "--max-tokens", defaultValue = "200", description = "longest answer (default: ${DEFAULT-VALUE})")
    int maxTokens;
    @Option(names = "--temperature", defaultValue = "0.7", description = "0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0: off")
    int topK;
    @Option(names = "--top-p", defaultValue = "0.95", description = "1: off (default: ${DEFAULT-VALUE})")
    float topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "CTRL penalty on repeated tokens; 1: off")
    float repetitionPenalty;
    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public Integer call() throws IOException {
        Transformer m = ModelIO.load(model);
        Tokenizer tok = Tokenizers.load(model.toString());
        ChatTemplate template = new ChatTemplate(tok);
        Generator generator = new Generator(m);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<Message> conversation = new ArrayList<>();
        if (system != null && !system.isBlank()) conversation.add(new Message("system", system));
        int context = m.config().maxSeqLen();
        out.printf("rlhf4j chat with %s (%,d parameters, %d-token context). /reset starts over, /quit leaves.%n",
                model, m.parameterCount(), context);
        int turn = 0;
        while (true) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals("/quit")) break;
            line = line.strip();
            if (line.isEmpty()) continue;
            if (line.equals("/reset")) {
                conversation.removeIf(msg -> !msg.role().equals("system"));
                out.println("(conversation cleared)");
                continue;
            }
            if (line.startsWith("/")) {
                out.println("(commands: /reset, /quit)");
                continue;
            }
            conversation.add(new Message("user", line));
            int[] prompt = fit(template, conversation, context);
            int budget = Math.max(1, Math.min(maxTokens, context - prompt.length));
            SamplingParams sampling = temperature <= 0 ? SamplingParams.greedy()
                    : SamplingParams.temperature(temperature, seed + turn).withTopK(topK).withTopP(topP);
            Utf8Stream text = new Utf8Stream();
            int end = template.endId();
            GenerationConfig cfg = GenerationConfig.of(budget, sampling).withStopTokens(Set.of(end))
                    .withRepetitionPenalty(repetitionPenalty)
                    .withStream((row, token) -> {
                        if (token != end) out.print(text.push(tok.tokenBytes(token)));
                        out.flush();
                    });
            Generation g = generator.generate(prompt, cfg);
            out.print(text.flush());
            out.println(g.stopped() ? "" : " […]");
            conversation.add(new Message("assistant", tok.decode(g.tokens())));
            turn++;
        }
        return 0;
    }

    /** The prompt for the conversation, dropping the oldest exchanges (never the system message) until it fits the context. */
    static int[] fit(ChatTemplate template, List<Message> conversation, int context) {
        int[] prompt = template.renderPrompt(conversation);
        while (prompt.length > context * 3 / 4) {
            int first = conversation.get(0).role().equals("system") ? 1 : 0;
            if (conversation.size() - first <= 1) break; // only the new question is left
            conversation.remove(first);
            prompt = template.renderPrompt(conversation);
        }
        return prompt;
    }
}
