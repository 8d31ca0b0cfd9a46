package rlhf4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tokenizer.ChatTemplate;
import rlhf4j.tokenizer.HfTokenizerConfig;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/**
 * {@code rlhf4j export}: a model folder (ours or a Hugging Face one) written as a folder that
 * {@code transformers} loads with {@code AutoModelForCausalLM} / {@code AutoTokenizer}: config.json,
 * model.safetensors (float32), tokenizer.json, tokenizer_config.json (with a Jinja chat_template
 * equal to ours when the vocabulary has our chat markers) and generation_config.json. With
 * {@code --add-chat-tokens} it first adds those markers to a pretrained vocabulary.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model folder in Hugging Face layout (loadable by transformers); "
                + "optionally add rlhf4j's chat tokens to a pretrained Hugging Face model.")
final class ExportCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", required = true,
            description = "run folder or Hugging Face folder (config.json, *.safetensors, tokenizer.json)")
    Path model;
    @Option(names = "--out", required = true, description = "folder to write")
    Path out;
    @Option(names = "--add-chat-tokens", description = "add <|bos|> <|system|> <|user|> <|assistant|> <|end|> "
            + "to the vocabulary (new embedding rows start at the mean embedding), so sft/chat can use the model")
    boolean addChatTokens;
    @Option(names = "--tokenizer", paramLabel = "SPEC", description = "tokenizer to write with the model instead of "
            + "the folder's tokenizer.json: " + TokenizerCommand.TOKENIZER_HELP + " Gives a folder that has none a vocabulary.")
    String tokenizer;
    @Option(names = "--fit-tokenizer", description = "cut a tokenizer with more ids than the model has embedding rows "
            + "to the model's size (ordinary tokens past it dropped, special tokens moved onto the last ids below it)")
    boolean fitTokenizer;

    @Override
    public Integer call() throws IOException {
        if (out.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out must differ from --model");
        long t0 = System.nanoTime();
        Transformer m = ModelIO.load(model);
        Tokenizer tok = tokenizer != null ? Tokenizers.load(tokenizer)
                : Files.exists(model.resolve("tokenizer.json")) ? Tokenizers.load(model.toString()) : null;
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        int vocab = m.config().vocabSize();
        if (tok != null && fitTokenizer && tok.vocabSize() > vocab) {
            System.err.printf("export: tokenizer cut from %d to the model's %d ids%n", tok.vocabSize(), vocab);
            tok = tok.truncated(vocab);
        }
        if (tok == null) {
            if (addChatTokens) throw new IllegalArgumentException(model + " has no tokenizer.json to add chat tokens to; "
                    + "give one with --tokenizer");
            System.err.println("export: " + model + " has no tokenizer.json; writing the model only");
            Files.createDirectories(out);
            ModelIO.save(m, scalarHead(m), out);
            return 0;
        }
        if (tok.vocabSize() > vocab) throw new IllegalArgumentException("the tokenizer has " + tok.vocabSize()
                + " ids but the model only " + vocab + " embedding rows (--fit-tokenizer cuts it to the model)");
        if (addChatTokens) {
            Tokenizer chat = tok.withSpecialTokens(ChatTemplate.SPECIALS);
            int added = chat.vocabSize() - tok.vocabSize();
            if (added > 0) {
                m = m.withVocabulary(Math.max(vocab, chat.vocabSize()), tok.vocabSize(), chat.vocabSize());
                System.err.printf("export: added %d chat token(s) at ids %d..%d; vocabulary %d -> %d rows%n",
                        added, tok.vocabSize(), chat.vocabSize() - 1, vocab, m.config().vocabSize());
            } else {
                System.err.println("export: the vocabulary already has the chat tokens");
            }
            tok = chat;
        }
        Files.createDirectories(out);
        ModelIO.save(m, scalarHead(m), out);
        Tokenizers.save(tok, out);
        HfTokenizerConfig.write(tok, out.resolve(HfTokenizerConfig.FILE), m.config().maxSeqLen());
        writeTokenIds(tok, m.config().maxSeqLen());
        System.err.printf("export: %s (%s, %,d parameters, loaded in %.1f s) -> %s%s%n", model, m.config().architecture(),
                m.parameterCount(), loadSeconds, out,
                HfTokenizerConfig.hasChatTokens(tok) ? " with a chat_template" : " (no chat tokens, so no chat_template)");
        return 0;
    }

    /** A reward or value model's score head, when the source folder has one (single-file weights only). */
    private ScalarHead scalarHead(Transformer m) {
        Path weights = model.resolve(ModelIO.WEIGHTS);
        if (!Files.exists(weights)) return null;
        try (Safetensors.Reader r = Safetensors.open(weights)) {
            if (!r.contains(ScalarHead.NAME)) return null;
        }
        return ModelIO.loadScalarHead(model, m.config().dModel());
    }

    /** bos/eos ids into config.json and generation_config.json, where transformers' generate looks. */
    private void writeTokenIds(Tokenizer tok, int maxLength) throws IOException {
        String bos = HfTokenizerConfig.bosToken(tok), eos = HfTokenizerConfig.eosToken(tok);
        Path configFile = out.resolve(ModelIO.CONFIG);
        ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
        ObjectNode generation = JSON.createObjectNode();
        for (ObjectNode o : new ObjectNode[] {config, generation}) {
            if (bos != null) o.put("bos_token_id", tok.specialId(bos));
            if (eos != null) o.put("eos_token_id", tok.specialId(eos));
        }
        generation.put("max_length", maxLength);
        AtomicFiles.writeString(out.resolve("generation_config.json"), generation.toPrettyString() + "\n");
        AtomicFiles.writeString(configFile, config.toPrettyString() + "\n");
    }
}
