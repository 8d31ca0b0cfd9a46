package rlhf4j.data;

import java.io.IOException;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/** Our byte-level BPE {@link Tokenizer} as corpus preparation's {@link TokenEncoder}. */
public final class BpeTokenEncoder implements TokenEncoder {
    private final Tokenizer tokenizer;
    private final String name;
    private final int endOfText;

    public BpeTokenEncoder(Tokenizer tokenizer, String name) {
        this.tokenizer = tokenizer;
        this.name = name;
        Integer eot = tokenizer.specialTokens().get("<|endoftext|>");
        if (eot == null) throw new IllegalArgumentException("tokenizer " + name
                + " has no <|endoftext|> special token to separate documents");
        this.endOfText = eot;
    }

    /** Loads a tokenizer by spec: a folder with tokenizer.json, a tokenizer.json, or ENCODING:PATH. */
    public static BpeTokenEncoder load(String spec) throws IOException {
        return new BpeTokenEncoder(Tokenizers.load(spec), spec);
    }

    @Override
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    @Override
    public int endOfTextId() {
        return endOfText;
    }

    @Override
    public String name() {
        return name;
    }
}
