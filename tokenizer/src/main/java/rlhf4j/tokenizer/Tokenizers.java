package rlhf4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads and saves tokenizers by the spec users type after {@code --tokenizer}: a folder holding
 * {@code tokenizer.json}, a {@code tokenizer.json} path, or {@code ENCODING:PATH} for a tiktoken rank
 * file (e.g. {@code cl100k_base:/data/cl100k_base.tiktoken}; a file named after its encoding, such
 * as {@code o200k_base.tiktoken}, needs no prefix).
 */
public final class Tokenizers {
    private Tokenizers() {}

    public static Tokenizer load(String spec) throws IOException {
        int colon = spec.indexOf(':');
        if (colon > 0) {
            Encoding e = null;
            try { e = Encoding.byName(spec.substring(0, colon)); } catch (IllegalArgumentException ignored) { }
            if (e != null) return Tokenizer.of(e, TiktokenFile.read(existing(Path.of(spec.substring(colon + 1)))));
        }
        Path p = existing(Path.of(spec));
        if (Files.isDirectory(p)) return HfTokenizerJson.read(existing(p.resolve("tokenizer.json")));
        String name = p.getFileName().toString();
        if (name.endsWith(".json")) return HfTokenizerJson.read(p);
        if (name.endsWith(".tiktoken")) {
            try {
                return Tokenizer.of(Encoding.byName(name.substring(0, name.length() - ".tiktoken".length())), TiktokenFile.read(p));
            } catch (IllegalArgumentException e) {
                throw new IOException(spec + ": say which encoding the rank file is for, e.g. cl100k_base:" + spec);
            }
        }
        throw new IOException(spec + ": expected a folder with tokenizer.json, a tokenizer.json file, or ENCODING:RANKFILE");
    }

    /** Writes {@code tokenizer.json} into the folder (created if needed). */
    public static Path save(Tokenizer tok, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("tokenizer.json");
        HfTokenizerJson.write(tok, file);
        return file;
    }

    private static Path existing(Path p) throws IOException {
        if (!Files.exists(p)) throw new IOException(p + ": no such file or folder");
        return p;
    }
}
