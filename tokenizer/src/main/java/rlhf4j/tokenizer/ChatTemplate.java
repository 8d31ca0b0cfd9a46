package rlhf4j.tokenizer;

import java.util.List;
import java.util.Locale;

/**
 * Our chat template, rendered straight to ids with a parallel loss mask:
 *
 * <pre>
 *   &lt;|bos|&gt;  then per message:  &lt;|system|&gt; text &lt;|end|&gt;   &lt;|user|&gt; text &lt;|end|&gt;   &lt;|assistant|&gt; text &lt;|end|&gt;
 * </pre>
 *
 * The mask is true exactly on an assistant message's text tokens and its closing {@code <|end|>}
 * (what the model must learn to say, including when to stop); role markers and everything else
 * are false. Message text is encoded with no special tokens allowed, so a user who types
 * {@code <|end|>} cannot close a turn. A generation prompt ends with {@code <|assistant|>}: the
 * model's answer starts right there.
 */
public final class ChatTemplate {
    public static final String BOS = "<|bos|>", SYSTEM = "<|system|>", USER = "<|user|>", ASSISTANT = "<|assistant|>", END = "<|end|>";

    /** One turn; role is system, user or assistant. */
    public record Message(String role, String content) {
        public Message {
            role = role.toLowerCase(Locale.ROOT);
            if (!role.equals("system") && !role.equals("user") && !role.equals("assistant"))
                throw new IllegalArgumentException("role must be system, user or assistant, not '" + role + "'");
            if (content == null) throw new IllegalArgumentException("message content is missing");
        }
    }

    /** Ids and loss mask of equal length. */
    public record Rendered(int[] ids, boolean[] lossMask) {}

    private final Tokenizer tok;
    private final int bos, system, user, assistant, end;

    /** The special tokens this template needs, in the order {@code withSpecialTokens} adds them. */
    public static final List<String> SPECIALS = List.of(BOS, SYSTEM, USER, ASSISTANT, END);

    /**
     * A Jinja chat template for Hugging Face's {@code apply_chat_template} that renders the same text
     * as this class (written into tokenizer_config.json on export).
     */
    public static final String JINJA = "{{ '" + BOS + "' }}{% for message in messages %}"
            + "{{ '<|' + message['role'] + '|>' + message['content'] + '" + END + "' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '" + ASSISTANT + "' }}{% endif %}";

    public ChatTemplate(Tokenizer tok) {
        List<String> missing = SPECIALS.stream().filter(t -> !tok.specialTokens().containsKey(t)).toList();
        if (!missing.isEmpty()) throw new IllegalArgumentException("tokenizer '" + tok.name() + "' lacks the chat "
                + "special token(s) " + missing + ". rlhf4j renders conversations in its own format "
                + "(<|bos|><|user|>…<|end|><|assistant|>…<|end|>) and does not run the Jinja chat_template of a "
                + "tokenizer_config.json. For a pretrained Hugging Face model, add the tokens first: "
                + "rlhf4j export --model DIR --out NEWDIR --add-chat-tokens");
        this.tok = tok;
        bos = tok.specialId(BOS);
        system = tok.specialId(SYSTEM);
        user = tok.specialId(USER);
        assistant = tok.specialId(ASSISTANT);
        end = tok.specialId(END);
    }

    /** A whole conversation, for training: loss on the assistant turns. */
    public Rendered render(List<Message> messages) {
        IntList ids = new IntList();
        BoolList mask = new BoolList();
        ids.add(bos);
        mask.add(false);
        for (Message m : messages) {
            boolean learn = m.role().equals("assistant");
            ids.add(marker(m.role()));
            mask.add(false);
            int before = ids.size();
            tok.encode(m.content(), java.util.Set.of(), ids);
            for (int i = before; i < ids.size(); i++) mask.add(learn);
            ids.add(end);
            mask.add(learn);
        }
        return new Rendered(ids.toArray(), mask.toArray());
    }

    /** The conversation so far followed by {@code <|assistant|>}: sample the answer from here, stop at {@code <|end|>}. */
    public int[] renderPrompt(List<Message> messages) {
        IntList ids = new IntList();
        for (int id : render(messages).ids()) ids.add(id);
        ids.add(assistant);
        return ids.toArray();
    }

    /** Id of the end-of-turn token, where generation stops. */
    public int endId() { return end; }

    private int marker(String role) {
        return switch (role) {
            case "system" -> system;
            case "user" -> user;
            default -> assistant;
        };
    }

    private static final class BoolList {
        private boolean[] a = new boolean[64];
        private int n;

        void add(boolean v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        boolean[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
